import Fluent
import SQLKit
import TanggapCore
import Vapor

/// The category taxonomy as Open311 services. A service code is a category's id, which never changes and is never
/// reused; a sub-category is a service in its category's group, and a category is one too (in its own group), for
/// apps that let people pick only the broad kind of problem.
enum Open311Services {
    struct Category: Decodable, Sendable {
        let id: Int64
        let parent_id: Int64?
        let name: String
    }

    /// Every active category and sub-category whose category is active, categories first, each in name order.
    static func active(on db: any Database) async throws -> [Category] {
        try await db.sql.raw(
            """
            SELECT c.id, c.parent_id, c.name FROM categories c LEFT JOIN categories p ON p.id = c.parent_id
            WHERE c.is_active = \(bind: true) AND (c.parent_id IS NULL OR p.is_active = \(bind: true))
            ORDER BY COALESCE(p.name, c.name), c.parent_id IS NOT NULL, c.name
            """
        ).all(decoding: Category.self)
    }

    /// The active category a service code names, if any.
    static func find(code: String, on db: any Database) async throws -> Category? {
        guard let id = Int64(code), id > 0, String(id) == code else { return nil }
        return try await active(id: id, on: db)
    }

    static func list(on req: Request) async throws -> [Open311Document.Service] {
        let categories = try await active(on: req.db)
        let names = Dictionary(uniqueKeysWithValues: categories.map { ($0.id, $0.name) })
        return categories.map { category in
            let group = category.parent_id.flatMap { names[$0] } ?? category.name
            return Open311Document.Service(
                service_code: String(category.id), service_name: category.name,
                description: category.parent_id == nil
                    ? req.text("open311.service.category", ["name": category.name])
                    : req.text("open311.service.subcategory", ["name": category.name, "group": group]),
                metadata: true, type: "realtime", keywords: keywords(category.name, group), group: group)
        }
    }

    /// The attributes every service takes (the same for all: Tanggap's intake does not depend on the category).
    static func definition(of category: Category, on req: Request) -> Open311Document.ServiceDefinition {
        func yesNo() -> Open311List<Open311Document.Value> {
            Open311List("value", [.init(key: "true", name: req.text("open311.yes")), .init(key: "false", name: req.text("open311.no"))])
        }
        let classifications = Classification.allCases.map {
            Open311Document.Value(key: $0.rawValue, name: req.text("classification.\($0.rawValue)"))
        }
        let attributes: [Open311Document.Attribute] = [
            .init(
                variable: true, code: "title", datatype: "string", required: false,
                datatype_description: req.text("open311.attribute.title.format"), order: 1,
                description: req.text("open311.attribute.title"), values: nil),
            .init(
                variable: true, code: "classification", datatype: "singlevaluelist", required: false,
                datatype_description: "", order: 2, description: req.text("open311.attribute.classification"),
                values: Open311List("value", classifications)),
            .init(
                variable: true, code: "anonim", datatype: "singlevaluelist", required: false, datatype_description: "", order: 3,
                description: req.text("open311.attribute.anonim"), values: yesNo()),
            .init(
                variable: true, code: "rahasia", datatype: "singlevaluelist", required: false, datatype_description: "", order: 4,
                description: req.text("open311.attribute.rahasia"), values: yesNo()),
            .init(
                variable: true, code: "event_date", datatype: "datetime", required: false,
                datatype_description: req.text("open311.attribute.event_date.format"), order: 5,
                description: req.text("open311.attribute.event_date"), values: nil),
            .init(
                variable: true, code: "region", datatype: "string", required: false,
                datatype_description: req.text("open311.attribute.region.format"), order: 6,
                description: req.text("open311.attribute.region"), values: nil),
        ]
        return .init(service_code: String(category.id), attributes: Open311List("attribute", attributes))
    }

    /// The codes of the attributes above: anything else sent as `attribute[…]` is refused, not ignored.
    static let attributeCodes: Set<String> = ["title", "classification", "anonim", "rahasia", "event_date", "region"]

    private static func active(id: Int64, on db: any Database) async throws -> Category? {
        try await db.sql.raw(
            """
            SELECT c.id, c.parent_id, c.name FROM categories c LEFT JOIN categories p ON p.id = c.parent_id
            WHERE c.id = \(bind: id) AND c.is_active = \(bind: true) AND (c.parent_id IS NULL OR p.is_active = \(bind: true))
            """
        ).first(decoding: Category.self)
    }

    /// The words of the name and its group that carry meaning (`IndonesianText.contentWords`), without repeats: what
    /// an app's search box matches.
    private static func keywords(_ name: String, _ group: String) -> String {
        var seen: Set<String> = ["lainnya", "terkait", "lain", "dll"]
        return IndonesianText.contentWords(in: "\(name) \(group)").filter { $0.count > 2 && seen.insert($0).inserted }
            .joined(separator: ", ")
    }
}
