import Fluent

/// The reporter's right to erasure (UU PDP): when an account was erased (its row stays, emptied, so that comments,
/// support and history still add up), and which reports lost their reporter that way, so that they can say so.
struct M0031_RecordErasures: AsyncMigration {
    var name: String { "M0031_RecordErasures" }

    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("erased_at", .datetime).update()
        try await database.schema("reports").field("reporter_erased_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("reports").deleteField("reporter_erased_at").update()
        try await database.schema("users").deleteField("erased_at").update()
    }
}
