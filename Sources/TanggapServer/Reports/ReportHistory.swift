import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Who an event is attributed to.
enum EventActor: Sendable, Equatable {
    case user(id: Int64, institutionID: Int64?)
    /// The reporter, proven by the report's secret or the address of a channel.
    case reporter
    case system
    /// Another instance (docs/federation.md); at the origin, the local node that stands for it.
    case peer(institutionID: Int64?)

    var kind: String {
        switch self {
        case .user: "user"
        case .reporter: "reporter"
        case .system: "system"
        case .peer: "peer"
        }
    }
}

/// What an event carries besides its note, kept as JSON beside it.
struct EventDetails: Codable, Sendable, Equatable {
    var archiveReason: ArchiveReason?
    var duplicateOf: String?
    var assigneeID: Int64?
    var rating: Rating?
    var title: String?
    var classification: Classification?
    var categoryID: Int64?
    var subcategoryID: Int64?
    var tags: [String]?
    /// The deadline the event set or moved (a new stage, the end of a hold).
    var dueAt: Date?
    /// How long a hold stopped the clock.
    var pausedWorkingDays: Int?
    /// For the clock's own events: the light the report turned, or the level above that was told.
    var light: TrafficLight?
    var notifiedInstitutionID: Int64?

    enum CodingKeys: String, CodingKey {
        case archiveReason = "archive_reason", duplicateOf = "duplicate_of", assigneeID = "assignee_id", rating
        case title, classification, categoryID = "category_id", subcategoryID = "subcategory_id", tags
        case dueAt = "due_at", pausedWorkingDays = "paused_working_days", light
        case notifiedInstitutionID = "notified_institution_id"
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    var encoded: String { String(decoding: try! Self.encoder.encode(self), as: UTF8.self) }

    static func decode(_ text: String?) -> EventDetails? {
        text.flatMap { try? decoder.decode(EventDetails.self, from: Data($0.utf8)) }
    }

    var isEmpty: Bool { self == EventDetails() }
}

/// Appends to a report's history: its events and the institutions it passed through. Nothing here updates
/// or deletes; the database refuses that anyway.
enum ReportHistory {
    @discardableResult
    static func append(
        kind: EventKind, to reportID: Int64, seq: Int, from: (ReportState, InstitutionPath), to: (ReportState, InstitutionPath),
        actor: EventActor, channel: Channel, audience: EventAudience, note: String?, details: EventDetails?,
        now: Date, on db: any Database
    ) async throws -> ReportEventModel {
        let event = self.event(
            kind: kind, to: reportID, seq: seq, from: from, to: to, actor: actor, channel: channel, audience: audience, note: note,
            details: details, now: now)
        try await event.insertRow(on: db)
        return event
    }

    /// An event as `append` writes it, not yet written: new reports write theirs many at a time.
    static func event(
        kind: EventKind, to reportID: Int64, seq: Int, from: (ReportState, InstitutionPath), to: (ReportState, InstitutionPath),
        actor: EventActor, channel: Channel, audience: EventAudience, note: String?, details: EventDetails?, now: Date
    ) -> ReportEventModel {
        let event = ReportEventModel()
        event.reportID = reportID
        event.seq = seq
        event.kind = kind
        event.at = now
        event.actorKind = actor.kind
        switch actor {
        case .user(let id, let institutionID):
            event.actorUserID = id
            event.actorInstitutionID = institutionID
        case .peer(let institutionID):
            event.actorInstitutionID = institutionID
        case .reporter, .system:
            break
        }
        event.fromState = from.0
        event.toState = to.0
        event.fromInstitutionID = from.1.institutionID
        event.toInstitutionID = to.1.institutionID
        event.note = note
        event.channel = channel
        event.audience = audience
        event.details = details?.encoded
        return event
    }

    /// Remembers that the report has been with `institution`, once; officers there keep seeing it.
    static func recordRoute(_ reportID: Int64, through institution: InstitutionPath, now: Date, on db: any Database) async throws {
        try await recordRoutes([(reportID, institution, now)], on: db)
    }

    /// After "not our authority": the declining institution and its subtree stop reading the report
    /// (`VisibilityPolicy.route(_:afterDeclineBy:to:)`). The events keep the whole story; this is who may read it.
    static func forgetRoute(
        of reportID: Int64, declinedBy decliner: InstitutionPath, to newHolder: InstitutionPath, on db: any Database
    ) async throws {
        let before = try await route(of: reportID, on: db)
        let kept = Set(VisibilityPolicy.route(before, afterDeclineBy: decliner, to: newHolder))
        let dropped = before.filter { !kept.contains($0) }.map(\.institutionID)
        guard !dropped.isEmpty else { return }
        try await db.sql.delete(from: "report_routes").where("report_id", .equal, reportID).where("institution_id", .in, dropped).run()
    }

    /// The same for many reports in one statement.
    static func recordRoutes(_ routes: [(reportID: Int64, institution: InstitutionPath, at: Date)], on db: any Database) async throws {
        _ = try await NewRow.insert(
            into: "report_routes", columns: "report_id, institution_id, path, first_held_at",
            rows: routes.map { [$0.reportID, $0.institution.institutionID, $0.institution.encoded, $0.at] },
            suffix: "ON CONFLICT (report_id, institution_id) DO NOTHING", on: db)
    }

    static func events(of reportID: Int64, on db: any Database) async throws -> [ReportEventModel] {
        try await ReportEventModel.query(on: db).filter(\.$reportID == reportID).sort(\.$seq).all()
    }

    static func route(of reportID: Int64, on db: any Database) async throws -> [InstitutionPath] {
        return try await db.sql.select().column("path").from("report_routes").where("report_id", .equal, reportID)
            .all(decodingColumn: "path", as: String.self).compactMap(InstitutionPath.init(encoded:))
    }

    /// Routes of many reports at once, for lists.
    static func routes(of reportIDs: [Int64], on db: any Database) async throws -> [Int64: [InstitutionPath]] {
        guard !reportIDs.isEmpty else { return [:] }
        struct Route: Decodable {
            let report_id: Int64
            let path: String
        }
        let rows = try await db.sql.select().columns("report_id", "path").from("report_routes")
            .where("report_id", .in, reportIDs).all(decoding: Route.self)
        return Dictionary(grouping: rows, by: \.report_id).mapValues { $0.compactMap { InstitutionPath(encoded: $0.path) } }
    }
}
