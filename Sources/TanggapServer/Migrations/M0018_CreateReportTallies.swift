import Fluent
import SQLKit
import TanggapCore

/// Figures that do not read every report: what a report adds to them is kept on its row (whether it was ever sent
/// back as not-ours, working days to its first answer), and the sums per institution, province and month live in
/// `report_tallies` (see `ReportTallies`; filled from the reports at the first start after this step).
/// Also the indexes behind each person's actions in the last 30 days and their assignments.
struct M0018_CreateReportTallies: AsyncMigration {
    var name: String { "M0018_CreateReportTallies" }

    func prepare(on database: any Database) async throws {
        try await database.schema("reports").field("was_bounced", .bool, .required, .sql(.default(false))).update()
        try await database.schema("reports").field("first_answer_working_days", .int).update()
        try await database.sql.raw(
            """
            UPDATE reports SET was_bounced = \(bind: true)
            WHERE id IN (SELECT report_id FROM report_events WHERE kind = \(bind: EventKind.notOurAuthority.rawValue))
            """
        ).run()
        let counters = PerformanceFigures.counters.map { "\(ident: $0.name) INTEGER NOT NULL DEFAULT 0" as SQLQueryString }
            .joined(separator: ", ")
        try await database.sql.raw(
            """
            CREATE TABLE report_tallies (
                institution_id BIGINT NOT NULL, direct BOOLEAN NOT NULL, province_id BIGINT NOT NULL, period TEXT NOT NULL,
                \(counters),
                PRIMARY KEY (institution_id, direct, province_id, period))
            """
        ).run()
        try await database.sql.raw(
            "CREATE INDEX report_events_actor ON report_events (actor_user_id, at) WHERE actor_user_id IS NOT NULL"
        ).run()
        // "Mine" and "waiting for me" in the inbox: a person's assignments, soonest deadline first.
        try await database.sql.raw(
            "CREATE INDEX reports_assignee ON reports (assignee_id, stage_due_at) WHERE assignee_id IS NOT NULL"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX reports_assignee").run()
        try await database.sql.raw("DROP INDEX report_events_actor").run()
        try await database.sql.raw("DROP TABLE report_tallies").run()
        try await database.schema("reports").deleteField("first_answer_working_days").update()
        try await database.schema("reports").deleteField("was_bounced").update()
    }
}
