import Foundation
import TanggapCore
import Vapor

/// One report as a page: what the viewer may see of it (decided by the same presenter as the API), its public
/// timeline, the reporter's actions, and the public's support and comments.
struct ReportPage: Encodable {
    struct File: Encodable {
        let name: String
        let url: String
    }
    struct Event: Encodable {
        let at: String
        let title: String
        let actor: String
        let note: String?
        let isAnswer: Bool
        /// Seen by staff only (notes, assignments): the back office marks them.
        let isInternal: Bool
        let files: [File]?
    }
    struct Comment: Encodable {
        let id: String
        let author: String
        let at: String
        let body: String
    }
    /// What the viewer typed into the page's forms, kept when a post is refused.
    struct Drafts: Encodable {
        var text = ""
        var comment = ""
        var ratingComment = ""
    }

    let trackingID: String
    let link: String
    let title: String
    let body: String
    let state: String
    let stateKey: ReportState
    let classification: String
    let category: String?
    let place: String?
    let eventDate: String?
    let createdAt: String
    let holder: String
    /// Where the case is across the border, or where it came from.
    let handovers: [Handover]?
    let dueAt: String?
    let light: TrafficLight?
    let lightLabel: String?
    let isLate: Bool
    let reporterName: String?
    let isAnonymous: Bool
    /// The reporter erased their account; the report stays, without them.
    let reporterErased: Bool
    /// Each time staff opened the anonim reporter's sealed identity: when, by which role (told to the reporter).
    let identityOpenings: [String]?
    let isConfidential: Bool
    let rating: String?
    /// The main report this one was merged into; its reporter follows that one now.
    let duplicateOf: String?
    let files: [File]?
    let timeline: [Event]
    let isReporter: Bool
    let canReply: Bool
    let canConfirm: Bool
    let canRate: Bool
    let noActions: Bool
    let ratings: [Choice]
    let isPublished: Bool
    let supportCount: Int
    let supported: Bool
    let signedIn: Bool
    let comments: [Comment]?
    let feedback: FormFeedback
    let typed: Drafts

    static func build(
        _ viewed: ViewedReport, feedback: FormFeedback = .none, typed: Drafts = Drafts(), on req: Request
    ) async throws -> ReportPage {
        let report = viewed.report
        let trackingID = report.trackingID
        let representation = try await ReportResponses.representation(
            report, access: viewed.access, actor: viewed.actor, now: req.now, on: req.db)
        let events = try await ReportHistory.events(of: report.id!, on: req.db)
        let names = try await NameBook.load(reports: [report], events: events, on: req.db)
        let stored = try await ReportQueries.attachments(of: report.id!, on: req.db)
        let presented = ReportPresenter.events(events, of: report, access: viewed.access, names: names, attachments: stored)
        let base = "/laporan/\(trackingID.display)"
        func file(_ a: AttachmentRepresentation) -> File { File(name: a.name, url: "\(base)/lampiran/\(a.id)") }

        let isReporter: Bool =
            switch viewed.actor {
            case .reporter: true
            case .user(let user): user.id == report.reporterUserID
            default: false
            }
        let offered = isReporter ? Set(representation.actions) : []
        let user = req.signedInUser
        let published = report.isPublic
        let comments = published ? try await Participation.comments(of: report.id!, on: req.db) : []

        return ReportPage(
            trackingID: trackingID.display, link: base, title: representation.title, body: representation.body,
            state: req.label(representation.state), stateKey: representation.state,
            classification: req.label(representation.classification),
            category: [representation.category?.name, representation.subcategory?.name].compactMap { $0.map(PortalChoices.displayName) }
                .joined(separator: " › ").nilIfEmpty,
            place: [representation.location.region?.name, representation.location.text].compactMap { $0 }.joined(separator: " · ")
                .nilIfEmpty,
            eventDate: representation.eventDate.flatMap(LocalDate.init(iso:)).map { DisplayFormat.day($0, req) },
            createdAt: DisplayFormat.dateTime(representation.createdAt, req), holder: representation.holder.name,
            handovers: representation.handovers?.map { Handover($0, on: req) },
            dueAt: representation.deadlines.map { DisplayFormat.dateTime($0.dueAt, req) },
            light: representation.deadlines?.light, lightLabel: representation.deadlines.map { req.label($0.light) },
            isLate: representation.deadlines?.isLate ?? false,
            reporterName: representation.reporter?.name, isAnonymous: report.isAnonymous,
            reporterErased: representation.reporterErasedAt != nil,
            identityOpenings: representation.identityOpenings?.map { $0.line(on: req) }
                .nilIfEmpty,
            isConfidential: report.isConfidential,
            rating: representation.rating.map { req.text("rating.\($0)") }, duplicateOf: representation.duplicateOf,
            files: (representation.attachments ?? []).map(file).nilIfEmpty,
            timeline: timeline(presented, file: file, on: req),
            isReporter: isReporter, canReply: offered.contains(EventKind.reply.pathComponent),
            canConfirm: offered.contains(EventKind.confirm.pathComponent), canRate: offered.contains(EventKind.rate.pathComponent),
            noActions: offered.isDisjoint(with: [EventKind.reply, .confirm, .rate].map(\.pathComponent)),
            ratings: PortalChoices.ratings(on: req), isPublished: published, supportCount: report.supportCount,
            supported: try await user.asyncMap { try await Participation.supports(report.id!, by: $0.id, on: req.db) } ?? false,
            signedIn: user != nil,
            comments: comments.map { comment in
                let named = CommentModeration.showsAuthorName(
                    commenterID: comment.user_id, reporterUserID: report.reporterUserID, reportIsAnonymous: report.isAnonymous)
                return Comment(
                    id: String(comment.id), author: named ? comment.author : req.text("actor.reporter"),
                    at: DisplayFormat.dateTime(comment.created_at, req), body: comment.body)
            }.nilIfEmpty,
            feedback: feedback, typed: typed)
    }

    /// Events as a page lists them, their files linked through `file`.
    static func timeline(_ events: [EventRepresentation], file: (AttachmentRepresentation) -> File, on req: Request) -> [Event] {
        events.map { event in
            Event(
                at: DisplayFormat.dateTime(event.at, req), title: req.label(event.kind),
                actor: actorName(event.actor, on: req), note: event.note, isAnswer: event.kind == .answer,
                isInternal: event.audience == .staff, files: event.attachments.map(file).nilIfEmpty)
        }
    }

    /// A hand-over as the report's pages show it: "Ditangani instansi mitra: Nasional · Dinas X · ABCDE-12345 ·
    /// Diteruskan · tenggat 12 Des 2026 (hijau)".
    struct Handover: Encodable {
        let id: String
        let label: String
        let text: String

        init(_ handover: HandoverRepresentation, on req: Request) {
            id = "handover-\(handover.direction.rawValue)"
            label = req.text("report.\(handover.direction.rawValue)")
            var parts = [handover.peer, handover.remoteHolder, handover.remoteTrackingID, handover.remoteState.map { req.label($0) }]
            if let due = handover.remoteDueAt {
                parts.append(
                    req.text("report.handover_due", ["at": DisplayFormat.dateTime(due, req)])
                        + (handover.remoteLight.map { " (\(req.label($0)))" } ?? ""))
            }
            if !handover.isActive { parts.append(req.text("report.handover_ended")) }
            text = parts.compactMap { $0 }.joined(separator: " · ")
        }
    }

    /// The reporter as "the reporter" unless the viewer may know the name; staff by their institution (and
    /// name, to those who may see staff names); Tanggap's own clock as Tanggap; another instance by the node that
    /// stands for it, marked as coming from there.
    static func actorName(_ actor: EventRepresentation.Actor, on req: Request) -> String {
        switch actor.kind {
        case "reporter": actor.name.map { "\(req.text("actor.reporter")) (\($0))" } ?? req.text("actor.reporter")
        case "system": "Tanggap"
        case "peer": [actor.institution?.name, req.text("actor.peer")].compactMap { $0 }.joined(separator: " · ")
        default: [actor.name, actor.institution?.name].compactMap { $0 }.joined(separator: ", ")
        }
    }
}

extension Collection {
    /// Nil for an empty collection: Leaf treats any present value, even an empty list, as true.
    var nilIfEmpty: Self? { isEmpty ? nil : self }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
