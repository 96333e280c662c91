import Fluent
import SQLKit

/// An inbox counts and lists the open work held in a subtree, and the weekly review reads a subtree's weeks: on
/// SQLite at ten million reports a regency's subtree holds tens of thousands of reports scattered over the whole
/// table, and reading each one's row to check its state or date cost a page read per report (0.2–0.6 s a tab,
/// 0.2 s a week). This index carries every column the inbox tabs test and the date of receipt, so they are
/// answered from the index alone, or read only the rows they return (a few milliseconds). It leads with the holder's path, so it replaces
/// `reports_holder_path` (which SQLite would otherwise keep choosing for the same prefix). PostgreSQL plans those
/// counts well without it (bench/README.md), and there it would only cost every write.
struct M0021_IndexHeldWork: AsyncMigration {
    var name: String { "M0021_IndexHeldWork" }

    func prepare(on database: any Database) async throws {
        guard !database.isPostgres else { return }
        try await database.sql.raw(
            """
            CREATE INDEX reports_held_work ON reports
            (holder_path, state, assignee_id, first_answered_at, sla_stage, held_at, stage_due_at, created_at)
            """
        ).run()
        try await database.sql.raw("DROP INDEX reports_holder_path").run()
    }

    func revert(on database: any Database) async throws {
        guard !database.isPostgres else { return }
        try await database.sql.raw("CREATE INDEX reports_holder_path ON reports (holder_path, id)").run()
        try await database.sql.raw("DROP INDEX reports_held_work").run()
    }
}
