import Fluent
import SQLKit

/// Intelligence: the routing model each process loads (trained by the worker from the instance's own history), what
/// verifiers did with its suggestions, and the indexes that find a report's look-alikes among the recent ones of
/// its region.
struct M0041_CreateRoutingModels: AsyncMigration {
    var name: String { "M0041_CreateRoutingModels" }

    func prepare(on database: any Database) async throws {
        try await database.schema("routing_models")
            .field("id", .int64, .identifier(auto: true))
            .field("trained_at", .datetime, .required)
            // How many reports it learnt from.
            .field("lessons", .int64, .required)
            .field("payload", .data, .required)
            .create()
        try await database.schema("suggestion_feedback")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .required, .references("reports", "id"))
            // category or institution
            .field("kind", .string, .required)
            .field("suggested_id", .int64)
            .field("chosen_id", .int64, .required)
            // Where the chosen one stood among the suggestions shown (1 = the first); nil when it was not among them.
            .field("rank", .int)
            .field("user_id", .int64, .references("users", "id"))
            .field("at", .datetime, .required)
            .create()
        for statement in [
            "CREATE INDEX suggestion_feedback_at ON suggestion_feedback (at)",
            "CREATE INDEX reports_region_recent ON reports (region_id, created_at) WHERE duplicate_of_id IS NULL",
            "CREATE INDEX reports_public_look_alikes ON reports (region_id, category_id, created_at) WHERE is_public",
        ] {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX reports_public_look_alikes").run()
        try await database.sql.raw("DROP INDEX reports_region_recent").run()
        try await database.schema("suggestion_feedback").delete()
        try await database.schema("routing_models").delete()
    }
}
