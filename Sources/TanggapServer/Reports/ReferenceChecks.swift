import Fluent
import TanggapCore

/// Checks that the things a request names exist: a category and its sub-category, a region, an institution.
enum ReferenceChecks {
    static func category(
        _ categoryID: Int64?, _ subcategoryID: Int64?, fields: (String, String) = ("category_id", "subcategory_id"),
        into check: inout FieldChecker, on db: any Database
    ) async throws {
        guard let categoryID else { return }
        guard let category = try await CategoryModel.find(categoryID, on: db), category.parentID == nil, category.isActive else {
            check.add(fields.0, .unknown)
            return
        }
        guard let subcategoryID else { return }
        guard let sub = try await CategoryModel.find(subcategoryID, on: db), sub.parentID == category.id, sub.isActive else {
            check.add(fields.1, .unknown)
            return
        }
    }

    static func region(_ id: Int64?, field: String = "region_id", into check: inout FieldChecker, on db: any Database) async throws {
        guard let id else { return }
        if try await RegionModel.find(id, on: db) == nil { check.add(field, .unknown) }
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
