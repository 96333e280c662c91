import Fluent
import SQLKit

/// "Lupa sandi": links e-mailed to an account's owner to set a new password. Only a digest of each link's token is
/// kept; a link works once, for an hour.
struct M0032_CreatePasswordResets: AsyncMigration {
    var name: String { "M0032_CreatePasswordResets" }

    func prepare(on database: any Database) async throws {
        try await database.schema("password_resets")
            .field("id", .int64, .identifier(auto: true))
            .field("user_id", .int64, .required, .references("users", "id", onDelete: .cascade))
            .field("token_digest", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_digest")
            .create()
        try await database.sql.raw("CREATE INDEX password_resets_user ON password_resets (user_id, created_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("password_resets").delete()
    }
}
