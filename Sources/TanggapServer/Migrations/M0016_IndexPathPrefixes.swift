import Fluent
import SQLKit

/// On PostgreSQL, `LIKE 'prefix%'` uses an index only with `text_pattern_ops` (or the C collation): these let
/// every "within this subtree" condition read a range instead of the whole table. SQLite uses the existing
/// indexes through GLOB (see `Subtree`).
struct M0016_IndexPathPrefixes: AsyncMigration {
    var name: String { "M0016_IndexPathPrefixes" }

    func prepare(on database: any Database) async throws {
        guard database.isPostgres else { return }
        for statement in [
            "CREATE INDEX reports_holder_path_prefix ON reports (holder_path text_pattern_ops)",
            "CREATE INDEX report_routes_path_prefix ON report_routes (path text_pattern_ops, report_id)",
        ] {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        guard database.isPostgres else { return }
        try await database.sql.raw("DROP INDEX reports_holder_path_prefix").run()
        try await database.sql.raw("DROP INDEX report_routes_path_prefix").run()
    }
}
