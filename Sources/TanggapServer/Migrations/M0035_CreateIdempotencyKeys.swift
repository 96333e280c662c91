import Fluent
import SQLKit

/// Requests sent with an idempotency key, remembered for a day so that a retry files once. A row is found by a
/// digest of the client and its key; the first outcome is kept sealed (see `IdempotencyKeys`).
struct M0035_CreateIdempotencyKeys: AsyncMigration {
    var name: String { "M0035_CreateIdempotencyKeys" }

    func prepare(on database: any Database) async throws {
        try await database.schema("idempotency_keys")
            .field("id", .int64, .identifier(auto: true))
            .field("lookup", .string, .required)
            // A digest of the request (method, path, body): the same key with another request is refused.
            .field("fingerprint", .string, .required)
            .field("created_at", .datetime, .required)
            // While the first request runs; a process that died holding it lets go when this passes.
            .field("claimed_until", .datetime, .required)
            // The first outcome (status, headers, body), sealed; nil while the first request runs.
            .field("outcome", .data)
            .unique(on: "lookup")
            .create()
        try await database.sql.raw("CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("idempotency_keys").delete()
    }
}
