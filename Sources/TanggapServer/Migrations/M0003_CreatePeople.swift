import Fluent
import SQLKit

/// Staff and citizens, their roles on the tree, and their API tokens.
struct M0003_CreatePeople: AsyncMigration {
    var name: String { "M0003_CreatePeople" }

    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .field("id", .int64, .identifier(auto: true))
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("phone", .string)
            .field("password_hash", .string, .required)
            // The institution a staff member works at; nil for citizens.
            .field("institution_id", .int64, .references("institutions", "id"))
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("last_login_at", .datetime)
            .unique(on: "email")
            .create()

        try await database.schema("role_grants")
            .field("id", .int64, .identifier(auto: true))
            .field("user_id", .int64, .required, .references("users", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("institution_id", .int64, .required, .references("institutions", "id"))
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "role", "institution_id")
            .create()

        try await database.schema("api_tokens")
            .field("id", .int64, .identifier(auto: true))
            .field("user_id", .int64, .required, .references("users", "id", onDelete: .cascade))
            // The token is "tg_<public_id>_<secret>"; only a digest of the secret is kept.
            .field("public_id", .string, .required)
            .field("secret_digest", .string, .required)
            .field("label", .string)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "public_id")
            .create()
        try await database.sql.raw("CREATE INDEX role_grants_user ON role_grants (user_id)").run()
        try await database.sql.raw("CREATE INDEX api_tokens_user ON api_tokens (user_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").delete()
        try await database.schema("role_grants").delete()
        try await database.schema("users").delete()
    }
}
