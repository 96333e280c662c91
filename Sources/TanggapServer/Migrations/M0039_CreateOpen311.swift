import Fluent
import SQLKit

/// Open311 GeoReport v2 as a server: the client apps the national admin gave a key, which app sent each report,
/// and an index for the public feed of updates (`servicerequestupdates`), read by time.
struct M0039_CreateOpen311: AsyncMigration {
    var name: String { "M0039_CreateOpen311" }

    func prepare(on database: any Database) async throws {
        try await database.schema("open311_clients")
            .field("id", .int64, .identifier(auto: true))
            .field("name", .string, .required)
            // The key is `<public id>.<secret>`: the public id finds the row, the secret is kept only as a SHA-256.
            .field("public_id", .string, .required)
            .field("secret_digest", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by_user_id", .int64, .references("users", "id"))
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .field("reports_filed", .int, .required, .sql(.default(0)))
            .unique(on: "public_id")
            .unique(on: "name")
            .create()
        try await database.schema("open311_requests")
            .field("report_id", .int64, .identifier(auto: false), .references("reports", "id"))
            .field("client_id", .int64, .required, .references("open311_clients", "id"))
            // A picture the app hosts: kept as a link for staff, never fetched by the server.
            .field("media_url", .string)
            .create()
        try await database.sql.raw("CREATE INDEX open311_requests_client ON open311_requests (client_id)").run()
        try await database.sql.raw("CREATE INDEX report_events_public_at ON report_events (at) WHERE audience = 'public'").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX report_events_public_at").run()
        try await database.schema("open311_requests").delete()
        try await database.schema("open311_clients").delete()
    }
}
