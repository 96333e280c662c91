import Fluent
import SQLKit

/// What `/metrics` counts at each scrape without reading every row: messages not sent yet or given up, and jobs
/// given up. Both are small parts of tables that grow with every report.
struct M0037_IndexWaitingWork: AsyncMigration {
    var name: String { "M0037_IndexWaitingWork" }

    func prepare(on database: any Database) async throws {
        try await database.sql.raw("CREATE INDEX deliveries_unsent ON deliveries (channel, status) WHERE status <> 'sent'").run()
        try await database.sql.raw("CREATE INDEX jobs_dead ON jobs (kind) WHERE state = 'dead'").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX deliveries_unsent").run()
        try await database.sql.raw("DROP INDEX jobs_dead").run()
    }
}
