import Fluent
import SQLKit

/// Second factors of staff: one TOTP secret per person (unconfirmed until a first code proves the app has it), the
/// last step used (no code works twice), ten recovery codes kept as digests; and sign-ins that passed the password
/// but still owe the code.
struct M0029_CreateSecondFactors: AsyncMigration {
    var name: String { "M0029_CreateSecondFactors" }

    func prepare(on database: any Database) async throws {
        try await database.schema("second_factors")
            .field("user_id", .int64, .identifier(auto: false), .references("users", "id", onDelete: .cascade))
            .field("secret", .string, .required)
            .field("created_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .field("last_step", .int64)
            .create()
        try await database.schema("recovery_codes")
            .field("id", .int64, .identifier(auto: true))
            .field("user_id", .int64, .required, .references("users", "id", onDelete: .cascade))
            .field("code_digest", .string, .required)
            .field("used_at", .datetime)
            .unique(on: "code_digest")
            .create()
        try await database.sql.raw("CREATE INDEX recovery_codes_user ON recovery_codes (user_id)").run()
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        try await database.schema("web_sessions").field("awaiting_code", .bool, .required, .sql(.default(false))).update()
        try await database.schema("web_sessions").field("wrong_codes", .int, .required, .sql(.default(0))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("web_sessions").deleteField("wrong_codes").update()
        try await database.schema("web_sessions").deleteField("awaiting_code").update()
        try await database.schema("recovery_codes").delete()
        try await database.schema("second_factors").delete()
    }
}
