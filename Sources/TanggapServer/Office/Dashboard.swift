import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The figures of the staff dashboard: for an institution and each unit one level below it, the public figures
/// and the workload (lights, bounced, working days), plus who works there and how active they are.
enum Dashboard {
    struct Row: Sendable {
        let id: Int64
        let name: String
        var performance = PerformanceFigures()
        var workload = WorkloadFigures()
    }

    struct Person: Decodable, Sendable {
        let name: String
        let role: String
        let institution: String
        let last_login_at: Date?
        let actions: Int
    }

    struct Result: Sendable {
        var overall: Row
        var units: [Row]
        var people: [Person]
    }

    private struct FactRow: Decodable {
        let holder_path: String
        let created_at: Date
        let first_answered_at: Date?
        let first_answer_late: Bool?
        let state: String
        let sla_stage: String?
        let stage_due_at: Date?
        let yellow_at: Date?
        let held_at: Date?
        let rating: String?
        let bounced: Int
    }

    static let activityWindow: TimeInterval = 30 * 86_400

    static func compute(
        under institution: Institution, since: Date?, now: Date, calendar: WorkingCalendar, on db: any Database
    ) async throws -> Result {
        let children = try await InstitutionModel.query(on: db).filter(\.$parentID == institution.id).sort(\.$name).all()
        var units = children.map { Row(id: $0.id!, name: $0.name) } + [Row(id: institution.id, name: institution.name)]
        let index = Dictionary(uniqueKeysWithValues: units.enumerated().map { ($0.element.id, $0.offset) })
        var overall = Row(id: institution.id, name: institution.name)
        let depth = institution.path.depth

        var sinceClause: SQLQueryString = ""
        if let since { sinceClause = " AND r.created_at >= \(bind: since)" }
        let rows = try await db.sql.raw("""
            SELECT r.holder_path, r.created_at, r.first_answered_at, r.first_answer_late, r.state, r.sla_stage, r.stage_due_at,
                r.yellow_at, r.held_at, r.rating,
                CASE WHEN EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.kind = 'not_our_authority') THEN 1 ELSE 0 END AS bounced
            FROM reports r
            WHERE \(Subtree.condition("r.holder_path", within: institution.path, on: db)) AND (r.archive_reason IS NULL OR r.archive_reason <> 'spam')\(sinceClause)
            """).all(decoding: FactRow.self)
        for row in rows {
            let state = ReportState(rawValue: row.state) ?? .received
            let status = SLAStatus(stage: row.sla_stage.flatMap(SLAStage.init(rawValue:)), stageDueAt: row.stage_due_at, yellowAt: row.yellow_at,
                                   heldAt: row.held_at)
            // The light of a running triage or answer stage; a paused (on hold) or reply stage has none here.
            let running = (status.stage == .triage || status.stage == .answer) && row.held_at == nil
            let light = running ? SLAClock.light(of: status, at: now) : nil
            let facts = ReportFacts(
                createdAt: row.created_at, firstAnsweredAt: row.first_answered_at, firstAnswerLate: row.first_answer_late, state: state,
                isLateNow: light == .red, rating: row.rating.flatMap(Rating.init(rawValue:)))
            let days = row.first_answered_at.map { calendar.workingDays(from: row.created_at, to: $0) }
            func add(_ target: inout Row) {
                target.performance.count(facts)
                target.workload.count(state: state, light: light, bounced: row.bounced != 0, workingDaysToFirstAnswer: days)
            }
            add(&overall)
            let ids = InstitutionPath(encoded: row.holder_path)?.ids ?? []
            if let slot = index[ids.count > depth + 1 ? ids[depth + 1] : institution.id] { add(&units[slot]) }
        }
        units.removeAll { $0.id == institution.id && $0.workload.received == 0 }

        let people = try await db.sql.raw("""
            SELECT u.name, g.role, i.name AS institution, u.last_login_at,
                (SELECT COUNT(*) FROM report_events e WHERE e.actor_user_id = u.id AND e.at >= \(bind: now.addingTimeInterval(-activityWindow))) AS actions
            FROM users u JOIN role_grants g ON g.user_id = u.id JOIN institutions i ON i.id = g.institution_id
            WHERE u.is_active = \(bind: true) AND i.path LIKE \(bind: institution.path.encoded + "%")
            ORDER BY i.path, u.name LIMIT 300
            """).all(decoding: Person.self)
        return Result(overall: overall, units: units, people: people)
    }
}
