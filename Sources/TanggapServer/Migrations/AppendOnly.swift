import Fluent
import SQLKit

/// Makes a table a record that is only ever added to: the database itself refuses to change or delete a row,
/// whatever code, admin or API asks. For tables created after M0007, which made `tanggap_append_only()`.
enum AppendOnly {
    static func protect(_ table: String, on database: any Database) async throws {
        if database.isPostgres {
            try await database.sql.raw(
                """
                CREATE TRIGGER \(unsafeRaw: table)_append_only BEFORE UPDATE OR DELETE ON \(ident: table)
                FOR EACH ROW EXECUTE FUNCTION tanggap_append_only()
                """
            ).run()
            return
        }
        for operation in ["UPDATE", "DELETE"] {
            try await database.sql.raw(
                """
                CREATE TRIGGER \(unsafeRaw: table)_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON \(ident: table)
                BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: table) is append-only'); END
                """
            ).run()
        }
    }
}
