import Fluent
import SQLKit

/// The report: the reporter's words as they sent them (never changed), how it is filed now, where it is.
struct M0004_CreateReports: AsyncMigration {
    var name: String { "M0004_CreateReports" }

    func prepare(on database: any Database) async throws {
        try await database.schema("reports")
            .field("id", .int64, .identifier(auto: true))
            .field("tracking_id", .string, .required)
            // Digest of the secret given to a reporter without an account.
            .field("secret_digest", .string)
            // As the reporter sent it; a trigger (M0007) refuses any change.
            .field("original_title", .string, .required)
            .field("original_classification", .string, .required)
            .field("original_category_id", .int64, .references("categories", "id"))
            .field("original_subcategory_id", .int64, .references("categories", "id"))
            .field("body", .string, .required)
            // As filed now: the original or an admin's correction.
            .field("title", .string, .required)
            .field("classification", .string, .required)
            .field("category_id", .int64, .references("categories", "id"))
            .field("subcategory_id", .int64, .references("categories", "id"))
            .field("tags", .string, .required)
            .field("event_date", .string)
            .field("location_text", .string)
            .field("region_id", .int64, .references("regions", "id"))
            .field("latitude", .double)
            .field("longitude", .double)
            .field("target_institution_id", .int64, .references("institutions", "id"))
            .field("holder_id", .int64, .required, .references("institutions", "id"))
            .field("holder_path", .string, .required)
            .field("assignee_id", .int64, .references("users", "id"))
            .field("state", .string, .required)
            .field("state_before_hold", .string)
            .field("is_verified", .bool, .required)
            .field("is_escalated", .bool, .required)
            .field("archive_reason", .string)
            .field("duplicate_of_id", .int64, .references("reports", "id"))
            .field("rating", .string)
            .field("is_anonymous", .bool, .required)
            .field("is_confidential", .bool, .required)
            // The visibility policy's verdict for the public, kept so that public lists are an index scan.
            .field("is_public", .bool, .required)
            .field("channel", .string, .required)
            .field("reporter_user_id", .int64, .references("users", "id"))
            .field("reporter_name", .string)
            .field("reporter_email", .string)
            .field("reporter_phone", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("verified_at", .datetime)
            .field("dispatched_at", .datetime)
            .field("first_answered_at", .datetime)
            .field("completed_at", .datetime)
            .field("archived_at", .datetime)
            .field("escalated_at", .datetime)
            .field("rated_at", .datetime)
            // How many events the history holds; the next event takes the next number.
            .field("event_count", .int, .required)
            // Bumped on every change; an update that finds another version lost a race and is retried.
            .field("version", .int, .required)
            .unique(on: "tracking_id")
            .create()
        for statement in [
            "CREATE INDEX reports_holder_path ON reports (holder_path, id)",
            "CREATE INDEX reports_state ON reports (state, id)",
            "CREATE INDEX reports_public ON reports (is_public, id)",
            "CREATE INDEX reports_reporter ON reports (reporter_user_id, id)",
            "CREATE INDEX reports_category ON reports (category_id, id)",
            "CREATE INDEX reports_created ON reports (created_at, id)",
        ] {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("reports").delete()
    }
}
