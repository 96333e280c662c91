import Fluent
import SQLKit

/// The orphan sweep asks, for each page of a thousand stored files, which of them a row names.
struct M0038_IndexAttachmentKeys: AsyncMigration {
    var name: String { "M0038_IndexAttachmentKeys" }

    func prepare(on database: any Database) async throws {
        try await database.sql.raw("CREATE INDEX attachments_storage_key ON attachments (storage_key)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX attachments_storage_key").run()
    }
}
