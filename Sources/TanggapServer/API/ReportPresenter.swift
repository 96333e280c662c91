import Foundation
import TanggapCore

/// Turns stored reports into what one viewer may see. Every field that could identify the reporter, every
/// staff-only event and file passes through the access decided by `VisibilityPolicy` here, and nowhere else.
enum ReportPresenter {
    static func report(
        _ m: ReportModel, access: ReportAccess, actor: Actor?, names: NameBook, attachments: [AttachmentModel]?, now: Date
    ) -> ReportRepresentation {
        let trackingID = m.trackingID
        let snapshot = m.snapshot
        let offered = actor.map { actor in EventKind.actions.filter { Lifecycle.isOffered($0, on: snapshot, to: actor) } } ?? []
        return ReportRepresentation(
            trackingID: trackingID.display, state: m.state, classification: m.classification, title: m.title, body: m.body,
            original: .init(
                title: m.originalTitle, classification: m.originalClassification,
                categoryID: m.originalCategoryID, subcategoryID: m.originalSubcategoryID),
            tags: m.tags.value, eventDate: m.eventDate,
            location: .init(text: m.locationText, region: names.region(m.regionID), latitude: m.latitude, longitude: m.longitude),
            category: names.category(m.categoryID), subcategory: names.category(m.subcategoryID),
            targetInstitution: names.institution(m.targetInstitutionID), holder: names.institution(m.holderID)!,
            assignee: access.level == .staff ? names.user(m.assigneeID) : nil,
            isAnonymous: m.isAnonymous, isConfidential: m.isConfidential, isEscalated: m.isEscalated, channel: m.channel,
            channelApp: names.apps[m.id!],
            archiveReason: m.archiveReason, duplicateOf: m.duplicateOfID.flatMap { names.trackingIDs[$0] }, rating: m.rating,
            reporter: m.reporter(for: access).map { .init(name: $0.name, email: $0.email, phone: $0.phone, userID: $0.userID) },
            reporterErasedAt: m.reporterErasedAt,
            createdAt: m.createdAt, updatedAt: m.updatedAt, verifiedAt: m.verifiedAt, dispatchedAt: m.dispatchedAt,
            firstAnsweredAt: m.firstAnsweredAt, completedAt: m.completedAt, archivedAt: m.archivedAt, escalatedAt: m.escalatedAt,
            deadlines: deadlines(m.sla, now: now),
            attachments: attachments.map { files in
                files.filter { $0.eventID == nil && readable($0, by: access) }.map { attachment($0, of: trackingID) }
            },
            actions: offered.map(\.pathComponent), access: access.level.name, identitySealed: access.mayOpenIdentity)
    }

    /// The light is worked out for this moment, so it is right even between two sweeps.
    static func deadlines(_ sla: SLAStatus, now: Date) -> ReportRepresentation.Deadlines? {
        guard let stage = sla.stage, let due = sla.stageDueAt, let light = SLAClock.light(of: sla, at: now) else { return nil }
        return .init(
            stage: stage, light: light, dueAt: due, caseDueAt: sla.caseDueAt, onHoldSince: sla.heldAt,
            isLate: light == .red)
    }

    static func events(
        _ events: [ReportEventModel], of report: ReportModel, access: ReportAccess, names: NameBook, attachments: [AttachmentModel]
    ) -> [EventRepresentation] {
        let trackingID = report.trackingID
        let filesByEvent = Dictionary(grouping: attachments.filter { $0.eventID != nil }, by: { $0.eventID! })
        return events.filter { access.mayRead($0.audience) }.map { event in
            let details = EventDetails.decode(event.details)
            return EventRepresentation(
                seq: event.seq, kind: event.kind, at: event.at, fromState: event.fromState, toState: event.toState,
                fromInstitution: names.institution(event.fromInstitutionID)!, toInstitution: names.institution(event.toInstitutionID)!,
                note: event.note, channel: event.channel, audience: event.audience,
                actor: actor(of: event, report: report, access: access, names: names),
                details: details.map { d in
                    .init(
                        archiveReason: d.archiveReason, duplicateOf: d.duplicateOf.flatMap(TrackingID.init(parsing:))?.display,
                        assignee: access.level == .staff ? names.user(d.assigneeID) : nil, rating: d.rating,
                        title: d.title, classification: d.classification, categoryID: d.categoryID,
                        subcategoryID: d.subcategoryID, tags: d.tags, dueAt: d.dueAt, pausedWorkingDays: d.pausedWorkingDays,
                        light: d.light, notifiedInstitution: names.institution(d.notifiedInstitutionID))
                },
                attachments: (filesByEvent[event.id!] ?? []).filter { readable($0, by: access) }.map { attachment($0, of: trackingID) })
        }
    }

    /// The reporter appears as "the reporter", by name only to those who may know it; staff appear by name to
    /// colleagues and by institution to everyone else.
    private static func actor(
        of event: ReportEventModel, report: ReportModel, access: ReportAccess, names: NameBook
    ) -> EventRepresentation.Actor {
        if event.actorKind == "system" { return .init(kind: "system", name: nil, institution: nil) }
        // Another instance: by the node that stands for it here, never by a person's name.
        if event.actorKind == "peer" { return .init(kind: "peer", name: nil, institution: names.institution(event.actorInstitutionID)) }
        let byReporter = event.actorKind == "reporter" || (event.actorUserID != nil && event.actorUserID == report.reporterUserID)
        if byReporter {
            return .init(kind: "reporter", name: report.reporter(for: access)?.name, institution: nil)
        }
        return .init(
            kind: "staff", name: access.seesStaffNames ? event.actorUserID.flatMap { names.users[$0] } : nil,
            institution: names.institution(event.actorInstitutionID))
    }

    static func readable(_ attachment: AttachmentModel, by access: ReportAccess) -> Bool {
        access.mayRead(attachment.audience)
    }

    static func attachment(_ a: AttachmentModel, of trackingID: TrackingID) -> AttachmentRepresentation {
        AttachmentRepresentation(
            id: a.publicID, name: a.displayName, contentType: a.kind.contentType,
            size: a.size, url: "/api/v1/reports/\(trackingID.value)/attachments/\(a.publicID)")
    }
}

extension ReportAccess.Level {
    var name: String {
        switch self {
        case .public: "public"
        case .reporter: "reporter"
        case .staff: "staff"
        }
    }
}

extension EventKind {
    /// The action's name in URLs: `/reports/{id}/not-our-authority`.
    var pathComponent: String { rawValue.replacingOccurrences(of: "_", with: "-") }

    init?(pathComponent: String) {
        self.init(rawValue: pathComponent.replacingOccurrences(of: "-", with: "_"))
    }
}
