import Fluent
import SQLKit

/// The institution tree: national level, ministries and agencies, local governments, their units.
struct M0001_CreateInstitutions: AsyncMigration {
    var name: String { "M0001_CreateInstitutions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("institutions")
            .field("id", .int64, .identifier(auto: true))
            .field("parent_id", .int64, .references("institutions", "id"))
            .field("name", .string, .required)
            .field("short_name", .string)
            .field("kind", .string, .required)
            .field("code", .string)
            // "/1/7/42/": the ids from the root down, so a subtree is a prefix.
            .field("path", .string, .required)
            .field("depth", .int, .required)
            .field("region_id", .int64)
            // Nil inherits the parent's time zone.
            .field("time_zone", .string)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "path")
            .unique(on: "code")
            .create()
        try await database.sql.raw("CREATE INDEX institutions_parent ON institutions (parent_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("institutions").delete()
    }
}
