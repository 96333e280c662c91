import Fluent
import SQLKit

/// The history of every report (append-only) and the institutions each report has passed through.
struct M0005_CreateReportHistory: AsyncMigration {
    var name: String { "M0005_CreateReportHistory" }

    func prepare(on database: any Database) async throws {
        try await database.schema("report_events")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .required, .references("reports", "id"))
            // 1, 2, 3… per report, without gaps.
            .field("seq", .int, .required)
            .field("kind", .string, .required)
            .field("at", .datetime, .required)
            // user, reporter or system
            .field("actor_kind", .string, .required)
            .field("actor_user_id", .int64, .references("users", "id"))
            .field("actor_institution_id", .int64, .references("institutions", "id"))
            .field("from_state", .string, .required)
            .field("to_state", .string, .required)
            .field("from_institution_id", .int64, .required, .references("institutions", "id"))
            .field("to_institution_id", .int64, .required, .references("institutions", "id"))
            .field("note", .string)
            .field("channel", .string, .required)
            .field("audience", .string, .required)
            // What else the action carried (an archive reason, an assignee, a rating), as JSON.
            .field("details", .string)
            .unique(on: "report_id", "seq")
            .create()

        try await database.schema("report_routes")
            .field("report_id", .int64, .required, .references("reports", "id"))
            .field("institution_id", .int64, .required, .references("institutions", "id"))
            .field("path", .string, .required)
            .field("first_held_at", .datetime, .required)
            .compositeIdentifier(over: "report_id", "institution_id")
            .create()
        try await database.sql.raw("CREATE INDEX report_routes_path ON report_routes (path, report_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("report_routes").delete()
        try await database.schema("report_events").delete()
    }
}
