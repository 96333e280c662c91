import Fluent
import SQLKit

/// Lookups that run on every action or workspace view, and must not read the whole table: the reports merged into
/// one (their reporters follow it), and a reporter's other reports by phone number or e-mail address.
struct M0017_IndexReporterLookups: AsyncMigration {
    var name: String { "M0017_IndexReporterLookups" }

    func prepare(on database: any Database) async throws {
        for statement in [
            "CREATE INDEX reports_duplicate_of ON reports (duplicate_of_id) WHERE duplicate_of_id IS NOT NULL",
            "CREATE INDEX reports_reporter_phone ON reports (reporter_phone) WHERE reporter_phone IS NOT NULL",
            "CREATE INDEX reports_reporter_email ON reports (reporter_email) WHERE reporter_email IS NOT NULL",
        ] {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for index in ["reports_duplicate_of", "reports_reporter_phone", "reports_reporter_email"] {
            try await database.sql.raw("DROP INDEX \(ident: index)").run()
        }
    }
}
