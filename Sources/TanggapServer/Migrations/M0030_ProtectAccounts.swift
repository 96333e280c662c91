import Fluent
import SQLKit

/// Accounts that cannot be worn down: failures in a row and the wait they set (see `SignInThrottle`); the browsers
/// and programs a person has signed in from, so that a new one is told to its owner; and what a person needs to
/// recognise their own sessions in a list (which device, when last used).
struct M0030_ProtectAccounts: AsyncMigration {
    var name: String { "M0030_ProtectAccounts" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        try await database.schema("users").field("failed_sign_ins", .int, .required, .sql(.default(0))).update()
        try await database.schema("users").field("locked_until", .datetime).update()
        try await database.schema("web_sessions").field("device", .string).update()
        try await database.schema("web_sessions").field("last_seen_at", .datetime).update()
        try await database.schema("known_devices")
            .field("id", .int64, .identifier(auto: true))
            .field("user_id", .int64, .required, .references("users", "id", onDelete: .cascade))
            // A browser's own random cookie, or a program's name, as a digest.
            .field("device_digest", .string, .required)
            .field("label", .string, .required)
            .field("first_seen_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .unique(on: "user_id", "device_digest")
            .create()
        try await database.sql.raw("CREATE INDEX web_sessions_user ON web_sessions (user_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX web_sessions_user").run()
        try await database.schema("known_devices").delete()
        try await database.schema("web_sessions").deleteField("last_seen_at").update()
        try await database.schema("web_sessions").deleteField("device").update()
        try await database.schema("users").deleteField("locked_until").update()
        try await database.schema("users").deleteField("failed_sign_ins").update()
    }
}
