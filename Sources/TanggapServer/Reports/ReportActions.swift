import Fluent
import Foundation
import SQLKit
import TanggapCore

/// An action as asked for, before the ids it names are looked up. Each action reads the fields it needs;
/// the coding keys are the names on the wire.
struct ActionRequest: Sendable, Codable {
    var note: String?
    var text: String?
    var question: String?
    var reason: String?
    var comment: String?
    var institutionID: Int64?
    var userID: Int64?
    var archiveReason: String?
    var duplicateOf: String?
    var rating: String?
    var title: String?
    var classification: String?
    var categoryID: Int64?
    var subcategoryID: Int64?
    var tags: [String]?

    enum CodingKeys: String, CodingKey {
        case note, text, question, reason, comment, rating, title, classification, tags
        case institutionID = "institution_id", userID = "user_id", archiveReason = "archive_reason"
        case duplicateOf = "duplicate_of", categoryID = "category_id", subcategoryID = "subcategory_id"
    }
}

/// Carries out staff, reporter and system actions on a report: resolve what the request names, let the core
/// decide, and store the new state, the event, the route and the files in one transaction.
enum ReportActions {
    struct Outcome: Sendable {
        let report: ReportModel
        let event: ReportEventModel
    }

    /// Actions that may carry files.
    static let takesAttachments: Set<EventKind> = [.reply, .answer, .note]

    /// `also` writes what must commit with the action (a channel's message record and its acknowledgement);
    /// `fromPeer` is the federation peer whose event this action applies, told nothing of it in return.
    ///
    /// The steps, in one transaction: lock the report → let the core decide → move its deadlines and figures →
    /// write its history → queue what the peers and the bodies' Open311 systems must hear, and the reporter's notice
    /// (the outboxes). Files are checked
    /// and written before, and removed again if the transaction fails.
    static func perform(
        _ kind: EventKind, _ request: ActionRequest, uploads: [Upload] = [], on reportID: Int64, by actor: Actor,
        attributedTo eventActor: EventActor, channel: Channel, fromPeer: Int64? = nil,
        also: (@Sendable (any Database, ReportModel) async throws -> Void)? = nil, context: TanggapContext, on db: any Database
    ) async throws -> Outcome {
        let action = try await resolve(kind, request, reportID: reportID, on: db)
        let files = try await stage(uploads, for: kind, context: context)
        let now = context.clock.now()
        do {
            return try await db.writeTransaction { db in
                let report = try await lock(reportID, on: db)
                let transition = try Lifecycle.decide(action, on: report.snapshot, by: actor)
                let details = try await store(
                    transition, of: kind, on: report, duplicateOf: request.duplicateOf, context: context, now: now, db: db)
                let event = try await recordHistory(
                    of: transition, kind: kind, on: report, details: details, by: eventActor, channel: channel, now: now, db: db)
                try await files.insert(reportID: reportID, eventID: event.id, audience: transition.audience, now: now, on: db)
                try await FederationRelay.afterAction(
                    transition, kind: kind, on: report, causedBy: fromPeer, context: context, now: now, on: db)
                try await Open311Dispatch.afterAction(transition, kind: kind, on: report, now: now, on: db)
                // The reporter hears of it on their own channel: queued now, sent once this commits.
                try await ReporterNotices.enqueue(kind, note: transition.note, on: report, context: context, now: now, db: db)
                try await also?(db, report)
                return Outcome(report: report, event: event)
            }
        } catch {
            await files.discard()
            throw error
        }
    }

    /// Checks the uploads against the action and the limits, and writes them aside until the action commits.
    private static func stage(_ uploads: [Upload], for kind: EventKind, context: TanggapContext) async throws -> PendingAttachments {
        var checked: [CheckedUpload] = []
        if !uploads.isEmpty {
            guard takesAttachments.contains(kind) else { throw APIError.field("attachments", .notAllowed) }
            checked = try PendingAttachments.check(uploads, limit: context.settings.attachmentLimitBytes)
        }
        return try await PendingAttachments.write(checked, to: context.attachments)
    }

    /// Takes the report's lock before reading it, so concurrent actions queue instead of racing.
    private static func lock(_ reportID: Int64, on db: any Database) async throws -> ReportModel {
        try await db.sql.update("reports").set(SQLIdentifier("version"), to: SQLRaw("version + 1")).where("id", .equal, reportID).run()
        guard let report = try await ReportModel.find(reportID, on: db) else { throw APIError.reportNotFound }
        return report
    }

    /// Writes the decision onto the row: its new state and holder, its deadlines in the new holder's calendar,
    /// the first-answer and bounce marks, a correction, and what it counts in the figures. Returns what the
    /// event will record of it.
    private static func store(
        _ transition: Transition, of kind: EventKind, on report: ReportModel, duplicateOf: String?, context: TanggapContext,
        now: Date, db: any Database
    ) async throws -> EventDetails {
        let counted = try await ReportTallies.contribution(of: report, zone: context.settings.timeZone, on: db)
        let before = report.sla
        report.apply(transition, holderID: transition.toHolder.institutionID, at: now)
        let clock = try await context.calendars.context(
            for: transition.toHolder, classification: report.classification, isEscalated: transition.after.isEscalated, now: now, on: db)
        if kind == .answer && report.firstAnswerLate == nil {
            report.firstAnswerLate = SLAClock.light(of: before, at: now) == .red
            report.firstAnswerWorkingDays = clock.calendar.workingDays(from: report.createdAt, to: now)
        }
        if kind == .notOurAuthority { report.wasBounced = true }
        let (deadlines, pause) = SLAClock.after(transition, before, at: now, clock)
        report.sla = deadlines
        var details = Self.details(of: transition.action) ?? EventDetails()
        if deadlines.stageDueAt != before.stageDueAt { details.dueAt = deadlines.stageDueAt }
        details.pausedWorkingDays = pause?.workingDays
        if transition.after.duplicateOfID != nil { details.duplicateOf = duplicateOf.flatMap(TrackingID.init(parsing:))?.value }
        if case .correct(let correction) = transition.action { report.apply(correction) }
        report.eventCount += 1
        try await report.update(on: db)
        try await ReportTallies.record(
            from: counted, to: ReportTallies.contribution(of: report, zone: context.settings.timeZone, on: db), on: db)
        return details
    }

    /// The event, the route through the institutions (a hand-over adds to it; "not our authority" takes the
    /// decliner off), and a correction's own record.
    private static func recordHistory(
        of transition: Transition, kind: EventKind, on report: ReportModel, details: EventDetails, by eventActor: EventActor,
        channel: Channel, now: Date, db: any Database
    ) async throws -> ReportEventModel {
        let reportID = report.id!
        let event = try await ReportHistory.append(
            kind: kind, to: reportID, seq: report.eventCount, from: (transition.fromState, transition.fromHolder),
            to: (transition.toState, transition.toHolder), actor: eventActor, channel: channel,
            audience: transition.audience, note: transition.note, details: details.isEmpty ? nil : details, now: now, on: db)
        if transition.movedHolder {
            try await ReportHistory.recordRoute(reportID, through: transition.toHolder, now: now, on: db)
        }
        if kind == .notOurAuthority {
            try await ReportHistory.forgetRoute(of: reportID, declinedBy: transition.fromHolder, to: transition.toHolder, on: db)
        }
        if case .correct(let correction) = transition.action {
            try await CorrectionModel(correction, reportID: reportID, eventID: event.id!, by: eventActor, at: now).create(on: db)
        }
        return event
    }

    /// Turns a request into a core action, looking up what it names; every problem is a field error.
    static func resolve(_ kind: EventKind, _ request: ActionRequest, reportID: Int64, on db: any Database) async throws -> ReportAction {
        var check = FieldChecker()
        let action: ReportAction?
        switch kind {
        case .submitted, .deadline:
            throw APIError.notFound
        case .verify:
            action = .verify(note: request.note)
        case .dispatch:
            if request.institutionID == nil { check.add("institution_id", .required) }
            let target = try await ReferenceChecks.institution(request.institutionID, field: "institution_id", into: &check, on: db)
            action = target.map { .dispatch(to: $0.path, note: request.note) }
        case .assign:
            if request.userID == nil { check.add("user_id", .required) }
            var assignee: Assignee?
            if let userID = request.userID {
                if let user = try await AccountService.signedInUser(id: userID, on: db) {
                    assignee = Assignee(userID: user.id, grants: user.grants)
                } else {
                    check.add("user_id", .unknown)
                }
            }
            action = assignee.map { .assign(to: $0) }
        case .hold:
            action = .hold(question: request.question ?? request.text ?? "")
        case .archive:
            let reason = parse(ArchiveReason.self, request.archiveReason, field: "archive_reason", required: true, into: &check)
            var duplicateID: Int64?
            if let raw = request.duplicateOf, !raw.isEmpty {
                if let id = TrackingID(parsing: raw), let other = try await ReportModel.query(on: db).filter(\.$trackingID == id).first() {
                    duplicateID = other.id
                } else {
                    check.add("duplicate_of", .unknown)
                }
            }
            action = reason.map { .archive(reason: $0, duplicateOf: duplicateID, note: request.note) }
        case .notOurAuthority:
            action = .notOurAuthority(reason: request.reason ?? "")
        case .answer:
            action = .answer(text: request.text ?? "")
        case .reply:
            action = .reply(text: request.text ?? "")
        case .confirm:
            action = .confirm(note: request.note)
        case .rate:
            let rating = parse(Rating.self, request.rating, field: "rating", required: true, into: &check)
            action = rating.map { .rate($0, comment: request.comment) }
        case .escalate:
            action = .escalate(note: request.note)
        case .reopen:
            action = .reopen(reason: request.reason ?? "")
        case .note:
            action = .addNote(text: request.text ?? "")
        case .correct:
            let classification = parse(Classification.self, request.classification, field: "classification", required: false, into: &check)
            try await ReferenceChecks.category(request.categoryID, request.subcategoryID, into: &check, on: db)
            action = .correct(
                ReportCorrection(
                    title: request.title, classification: classification, categoryID: request.categoryID,
                    subcategoryID: request.subcategoryID, tags: request.tags))
        }
        try check.finish()
        return action!
    }

    private static func parse<T: RawRepresentable<String>>(
        _ type: T.Type, _ raw: String?, field: String, required: Bool, into check: inout FieldChecker
    ) -> T? {
        guard let raw, !raw.isEmpty else {
            if required { check.add(field, .required) }
            return nil
        }
        guard let value = T(rawValue: raw) else {
            check.add(field, .invalid)
            return nil
        }
        return value
    }

    private static func details(of action: ReportAction) -> EventDetails? {
        switch action {
        case .assign(let assignee):
            return EventDetails(assigneeID: assignee.userID)
        case .archive(let reason, _, _):
            return EventDetails(archiveReason: reason)
        case .rate(let rating, _):
            return EventDetails(rating: rating)
        case .correct(let c):
            return EventDetails(
                title: c.title, classification: c.classification, categoryID: c.categoryID, subcategoryID: c.subcategoryID, tags: c.tags)
        default:
            return nil
        }
    }
}

extension ReportModel {
    /// How the report is filed after a correction; the original columns stay as the reporter sent them.
    func apply(_ correction: ReportCorrection) {
        if let title = correction.title { self.title = title }
        if let classification = correction.classification { self.classification = classification }
        if let categoryID = correction.categoryID {
            self.categoryID = categoryID
            self.subcategoryID = correction.subcategoryID
        }
        if let tags = correction.tags { self.tags = JSONText(tags) }
    }
}

extension CorrectionModel {
    convenience init(_ correction: ReportCorrection, reportID: Int64, eventID: Int64, by actor: EventActor, at now: Date) {
        self.init()
        self.reportID = reportID
        self.eventID = eventID
        if case .user(let id, _) = actor { userID = id }
        title = correction.title
        classification = correction.classification
        categoryID = correction.categoryID
        subcategoryID = correction.subcategoryID
        tags = correction.tags.map(JSONText.init)
        createdAt = now
    }
}
