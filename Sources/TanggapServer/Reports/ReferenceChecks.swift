import Fluent
import SQLKit
import TanggapCore

/// Checks that the things a request names exist: a category and its sub-category, a region, an institution.
enum ReferenceChecks {
    static func category(
        _ categoryID: Int64?, _ subcategoryID: Int64?, fields: (String, String) = ("category_id", "subcategory_id"),
        into check: inout FieldChecker, on db: any Database
    ) async throws {
        guard let categoryID else { return }
        guard let category = try await categoryRow(categoryID, on: db), category.parent_id == nil, category.is_active else {
            check.add(fields.0, .unknown)
            return
        }
        guard let subcategoryID else { return }
        guard let sub = try await categoryRow(subcategoryID, on: db), sub.parent_id == categoryID, sub.is_active else {
            check.add(fields.1, .unknown)
            return
        }
    }

    static func region(_ id: Int64?, field: String = "region_id", into check: inout FieldChecker, on db: any Database) async throws {
        guard let id else { return }
        if try await db.sql.raw("SELECT id FROM regions WHERE id = \(bind: id)").first(decodingColumn: "id", as: Int64.self) == nil {
            check.add(field, .unknown)
        }
    }

    /// Plain rows: these checks run for every report taken in.
    private struct CategoryRow: Decodable {
        let parent_id: Int64?
        let is_active: Bool
    }

    private static func categoryRow(_ id: Int64, on db: any Database) async throws -> CategoryRow? {
        try await db.sql.raw("SELECT parent_id, is_active FROM categories WHERE id = \(bind: id)").first(decoding: CategoryRow.self)
    }

    /// The active institution with this id; records `unknown` and returns nil otherwise.
    static func institution(_ id: Int64?, field: String, into check: inout FieldChecker, on db: any Database) async throws -> Institution? {
        guard let id else { return nil }
        guard let institution = try await InstitutionDirectory.find(id, on: db), institution.isActive else {
            check.add(field, .unknown)
            return nil
        }
        return institution
    }
}
