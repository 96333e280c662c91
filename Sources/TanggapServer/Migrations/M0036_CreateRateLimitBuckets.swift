import Fluent
import SQLKit

/// Rate-limit buckets every process shares on PostgreSQL, so the limit a government sets is the limit a visitor
/// meets however many servers run. A bucket is named by a digest of its purpose and client, never an address.
struct M0036_CreateRateLimitBuckets: AsyncMigration {
    var name: String { "M0036_CreateRateLimitBuckets" }

    func prepare(on database: any Database) async throws {
        try await database.schema("rate_limit_buckets")
            .field("bucket", .string, .identifier(auto: false))
            .field("tokens", .double, .required)
            .field("updated_at", .datetime, .required)
            // Whether the last request took a token: read back in the same statement that decided it.
            .field("taken", .bool, .required)
            .create()
        try await database.sql.raw("CREATE INDEX rate_limit_buckets_age ON rate_limit_buckets (updated_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rate_limit_buckets").delete()
    }
}
