import Fluent
import SQLKit

/// Every opening of an anonim reporter's sealed identity: who, under which role, when, which report, why. Kept like
/// report events: the database refuses to change or delete one, whatever code or admin asks.
struct M0028_CreateIdentityReveals: AsyncMigration {
    var name: String { "M0028_CreateIdentityReveals" }

    func prepare(on database: any Database) async throws {
        try await database.schema("identity_reveals")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .required, .references("reports", "id"))
            .field("user_id", .int64, .required, .references("users", "id"))
            .field("role", .string, .required)
            // Where the report was held when it was opened: the admins of that part of the tree see the opening.
            .field("institution_id", .int64, .required, .references("institutions", "id"))
            .field("at", .datetime, .required)
            .field("reason", .string, .required)
            .create()
        try await database.sql.raw("CREATE INDEX identity_reveals_report ON identity_reveals (report_id, at)").run()
        try await database.sql.raw("CREATE INDEX identity_reveals_institution ON identity_reveals (institution_id, id)").run()
        try await AppendOnly.protect("identity_reveals", on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("identity_reveals").delete()
    }
}
