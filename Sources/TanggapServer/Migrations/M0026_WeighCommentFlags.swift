import Fluent
import SQLKit

/// A flag on a comment weighs by how established the flagging account is (`CommentModeration.flagWeight`), so a
/// handful of brand-new accounts can no longer hide a comment. Flags given before this weigh fully, as they did.
struct M0026_WeighCommentFlags: AsyncMigration {
    var name: String { "M0026_WeighCommentFlags" }

    func prepare(on database: any Database) async throws {
        try await database.sql.raw("ALTER TABLE comment_flags ADD COLUMN weight INTEGER NOT NULL DEFAULT 100").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("ALTER TABLE comment_flags DROP COLUMN weight").run()
    }
}
