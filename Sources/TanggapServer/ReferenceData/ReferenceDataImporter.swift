import Fluent
import Foundation

/// Loads the national reference data from CSV: the category taxonomy and the administrative regions.
/// Importing twice adds nothing: rows are matched by name.
public enum ReferenceDataImporter {
    public struct Counts: Sendable, CustomStringConvertible {
        public var added = 0
        public var existing = 0
        public var warnings: [String] = []
        public var description: String {
            (["\(added) added, \(existing) already present"] + warnings.map { "warning: \($0)" }).joined(separator: "\n")
        }
    }

    /// `category,subcategory` rows.
    public static func importCategories(from path: String, on db: any Database) async throws -> Counts {
        let table = try CSVReader.read(path, requiring: ["category", "subcategory"])
        return try await db.transaction { db in
            var counts = Counts()
            var categories: [String: Int64] = [:]
            for model in try await CategoryModel.query(on: db).filter(\.$parentID == nil).all() { categories[model.name] = model.id! }
            var known = Set(try await CategoryModel.query(on: db).filter(\.$parentID != nil).all().map { "\($0.parentID!)|\($0.name)" })
            for row in table.rows {
                guard let name = row["category"], !name.isEmpty else { continue }
                let categoryID: Int64
                if let id = categories[name] {
                    categoryID = id
                } else {
                    let model = CategoryModel(parentID: nil, name: name)
                    try await model.create(on: db)
                    categoryID = model.id!
                    categories[name] = categoryID
                    counts.added += 1
                }
                guard let sub = row["subcategory"], !sub.isEmpty else { continue }
                if known.insert("\(categoryID)|\(sub)").inserted {
                    try await CategoryModel(parentID: categoryID, name: sub).create(on: db)
                    counts.added += 1
                } else {
                    counts.existing += 1
                }
            }
            return counts
        }
    }

    /// `province,province_iso,regency_or_city,kind,seat` rows: provinces and their regencies and cities.
    public static func importRegions(from path: String, on db: any Database) async throws -> Counts {
        let table = try CSVReader.read(path, requiring: ["province", "province_iso", "regency_or_city", "kind", "seat"])
        return try await db.transaction { db in
            var counts = Counts()
            var provinces: [String: Int64] = [:]
            var codes = Set<String>()
            for model in try await RegionModel.query(on: db).filter(\.$parentID == nil).all() {
                provinces[model.name] = model.id!
                if let code = model.code { codes.insert(code) }
            }
            var known = Set(try await RegionModel.query(on: db).filter(\.$parentID != nil).all().map { "\($0.parentID!)|\($0.name)" })
            for row in table.rows {
                guard let province = row["province"], !province.isEmpty else { continue }
                let provinceID: Int64
                if let id = provinces[province] {
                    provinceID = id
                } else {
                    // A code already taken is a mistake in the file (two provinces cannot share one): keep the
                    // province, drop the code, and say so.
                    var code = row["province_iso"].flatMap { $0.isEmpty ? nil : $0 }
                    if let taken = code, !codes.insert(taken).inserted {
                        counts.warnings.append("\(province) repeats the code \(taken) of another province; imported without a code")
                        code = nil
                    }
                    let model = RegionModel(parentID: nil, name: province, kind: "province", code: code, seat: nil)
                    try await model.create(on: db)
                    provinceID = model.id!
                    provinces[province] = provinceID
                    counts.added += 1
                }
                guard let name = row["regency_or_city"], !name.isEmpty else { continue }
                if known.insert("\(provinceID)|\(name)").inserted {
                    try await RegionModel(parentID: provinceID, name: name, kind: row["kind"] ?? "kabupaten", code: nil, seat: row["seat"])
                        .create(on: db)
                    counts.added += 1
                } else {
                    counts.existing += 1
                }
            }
            return counts
        }
    }
}
