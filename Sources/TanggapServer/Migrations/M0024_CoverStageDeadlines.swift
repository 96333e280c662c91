import Fluent
import SQLKit

/// The deadline index carries the columns that tell running, open work (state, stage, hold), so "due soon" and
/// "late" are answered from the index alone. On SQLite at ten million reports, 26,000 reports fall due within two
/// days; checking each one's row cost 55–80 ms, the index alone 10. A search of the work due soon collects exactly
/// those reports (`ReportQueries.SearchPlan.passingFirst`). The id follows the deadline, so the index still hands
/// out work in deadline order, ties broken by id, as the lists sorted by deadline read it. PostgreSQL plans these
/// counts well without it.
struct M0024_CoverStageDeadlines: AsyncMigration {
    var name: String { "M0024_CoverStageDeadlines" }

    func prepare(on database: any Database) async throws {
        guard !database.isPostgres else { return }
        try await database.sql.raw("DROP INDEX reports_stage_due").run()
        try await database.sql.raw(
            """
            CREATE INDEX reports_stage_due ON reports (stage_due_at, id, state, sla_stage, held_at)
            WHERE stage_due_at IS NOT NULL
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        guard !database.isPostgres else { return }
        try await database.sql.raw("DROP INDEX reports_stage_due").run()
        try await database.sql.raw("CREATE INDEX reports_stage_due ON reports (stage_due_at) WHERE stage_due_at IS NOT NULL").run()
    }
}
