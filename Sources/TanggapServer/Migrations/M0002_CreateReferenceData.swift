import Fluent
import SQLKit

/// The national category taxonomy and the administrative regions.
struct M0002_CreateReferenceData: AsyncMigration {
    var name: String { "M0002_CreateReferenceData" }

    func prepare(on database: any Database) async throws {
        try await database.schema("categories")
            .field("id", .int64, .identifier(auto: true))
            // Nil for a category, the category for a sub-category.
            .field("parent_id", .int64, .references("categories", "id"))
            .field("name", .string, .required)
            .field("is_active", .bool, .required)
            .create()
        try await database.sql.raw("CREATE UNIQUE INDEX categories_name ON categories (COALESCE(parent_id, 0), name)").run()

        try await database.schema("regions")
            .field("id", .int64, .identifier(auto: true))
            .field("parent_id", .int64, .references("regions", "id"))
            .field("name", .string, .required)
            // province, kabupaten, kota
            .field("kind", .string, .required)
            .field("code", .string)
            .field("seat", .string)
            .unique(on: "code")
            .create()
        try await database.sql.raw("CREATE UNIQUE INDEX regions_name ON regions (COALESCE(parent_id, 0), name)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("regions").delete()
        try await database.schema("categories").delete()
    }
}
