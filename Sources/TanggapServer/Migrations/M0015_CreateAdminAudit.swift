import Fluent
import SQLKit

/// Every administrative change, kept like report events: who, when, where in the tree, what. Never updated.
struct M0015_CreateAdminAudit: AsyncMigration {
    var name: String { "M0015_CreateAdminAudit" }

    func prepare(on database: any Database) async throws {
        try await database.schema("admin_audit")
            .field("id", .int64, .identifier(auto: true))
            .field("at", .datetime, .required)
            .field("actor_user_id", .int64, .references("users", "id"))
            .field("institution_id", .int64, .references("institutions", "id"))
            .field("action", .string, .required)
            .field("details", .string, .required)
            .create()
        try await database.sql.raw("CREATE INDEX admin_audit_institution ON admin_audit (institution_id, id)").run()
        // The record is append-only, as the report history is.
        if database.isPostgres {
            try await database.sql.raw(
                """
                CREATE FUNCTION admin_audit_is_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'the administrative record is append-only'; END $$ LANGUAGE plpgsql
                """
            ).run()
            try await database.sql.raw(
                """
                CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit
                FOR EACH ROW EXECUTE FUNCTION admin_audit_is_append_only()
                """
            ).run()
        } else {
            for event in ["UPDATE", "DELETE"] {
                try await database.sql.raw(
                    SQLQueryString(
                        """
                        CREATE TRIGGER admin_audit_no_\(event.lowercased()) BEFORE \(event) ON admin_audit
                        BEGIN SELECT RAISE(ABORT, 'the administrative record is append-only'); END
                        """)
                ).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("admin_audit").delete()
    }
}
