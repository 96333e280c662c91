import Fluent
import SQLKit

/// Sign-in sessions of the web pages. The cookie holds a random token; only its digest is stored here.
struct M0008_CreateWebSessions: AsyncMigration {
    var name: String { "M0008_CreateWebSessions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("web_sessions")
            .field("id", .int64, .identifier(auto: true))
            .field("token_digest", .string, .required)
            .field("user_id", .int64, .required, .references("users", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_digest")
            .create()
        try await database.sql.raw("CREATE INDEX web_sessions_expiry ON web_sessions (expires_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("web_sessions").delete()
    }
}
