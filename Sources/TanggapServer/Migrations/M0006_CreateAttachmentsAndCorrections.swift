import Fluent
import SQLKit

/// Files sent with a report or an event (kept on disk, described here) and admins' corrections.
struct M0006_CreateAttachmentsAndCorrections: AsyncMigration {
    var name: String { "M0006_CreateAttachmentsAndCorrections" }

    func prepare(on database: any Database) async throws {
        try await database.schema("attachments")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .required, .references("reports", "id"))
            // The event the file came with; nil for the files of the submission itself.
            .field("event_id", .int64, .references("report_events", "id"))
            // Random, for URLs: attachment numbers are not guessable.
            .field("public_id", .string, .required)
            .field("storage_key", .string, .required)
            .field("display_name", .string, .required)
            .field("kind", .string, .required)
            .field("size", .int64, .required)
            .field("sha256", .string, .required)
            .field("audience", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "public_id")
            .create()
        try await database.sql.raw("CREATE INDEX attachments_report ON attachments (report_id)").run()

        try await database.schema("report_corrections")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .required, .references("reports", "id"))
            .field("event_id", .int64, .required, .references("report_events", "id"))
            .field("user_id", .int64, .references("users", "id"))
            .field("title", .string)
            .field("classification", .string)
            .field("category_id", .int64, .references("categories", "id"))
            .field("subcategory_id", .int64, .references("categories", "id"))
            .field("tags", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX report_corrections_report ON report_corrections (report_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("report_corrections").delete()
        try await database.schema("attachments").delete()
    }
}
