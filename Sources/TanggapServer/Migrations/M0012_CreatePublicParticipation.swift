import Fluent
import SQLKit

/// The public's part in a published report: support ("dukung", one per account) and comments that the
/// public can flag and a moderator can restore or remove. Reports also remember whether their first answer
/// came in time, so that statistics never have to replay the clock.
struct M0012_CreatePublicParticipation: AsyncMigration {
    var name: String { "M0012_CreatePublicParticipation" }

    func prepare(on database: any Database) async throws {
        try await database.schema("reports").field("support_count", .int, .required, .sql(.default(0))).update()
        try await database.schema("reports").field("comment_count", .int, .required, .sql(.default(0))).update()
        try await database.schema("reports").field("first_answer_late", .bool).update()

        try await database.schema("report_supports")
            .field("report_id", .int64, .required, .references("reports", "id", onDelete: .cascade))
            .field("user_id", .int64, .required, .references("users", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .unique(on: "report_id", "user_id")
            .create()

        try await database.schema("report_comments")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .required, .references("reports", "id", onDelete: .cascade))
            .field("user_id", .int64, .required, .references("users", "id", onDelete: .cascade))
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            // visible, hidden (flagged past the threshold, awaiting a moderator) or removed (by a moderator).
            .field("status", .string, .required)
            .field("flag_count", .int, .required, .sql(.default(0)))
            .field("moderated_by", .int64, .references("users", "id"))
            .field("moderated_at", .datetime)
            .create()

        try await database.schema("comment_flags")
            .field("comment_id", .int64, .required, .references("report_comments", "id", onDelete: .cascade))
            .field("user_id", .int64, .required, .references("users", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .unique(on: "comment_id", "user_id")
            .create()

        for statement in [
            "CREATE INDEX report_comments_report ON report_comments (report_id, id)",
            "CREATE INDEX report_comments_status ON report_comments (status, id)",
        ] {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("comment_flags").delete()
        try await database.schema("report_comments").delete()
        try await database.schema("report_supports").delete()
        for column in ["support_count", "comment_count", "first_answer_late"] {
            try await database.schema("reports").deleteField(.string(column)).update()
        }
    }
}
