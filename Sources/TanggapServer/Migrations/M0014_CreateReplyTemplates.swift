import Fluent
import SQLKit

/// Reply templates: an institution's standard answers, offered to its units' officers when they answer.
struct M0014_CreateReplyTemplates: AsyncMigration {
    var name: String { "M0014_CreateReplyTemplates" }

    func prepare(on database: any Database) async throws {
        try await database.schema("reply_templates")
            .field("id", .int64, .identifier(auto: true))
            .field("institution_id", .int64, .required, .references("institutions", "id", onDelete: .cascade))
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX reply_templates_institution ON reply_templates (institution_id, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("reply_templates").delete()
    }
}
