import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// `/api/v1/institutions`, `/api/v1/categories`, `/api/v1/regions`: the reference data every client needs.
enum DirectoryController {
    static func register(_ api: any RoutesBuilder) {
        api.get("institutions", use: institutions)
        api.get("institutions", ":id", use: institution)
        api.get("categories", use: categories)
        api.get("regions", use: regions)
    }

    struct InstitutionItem: Content {
        let id: Int64
        let parentID: Int64?
        let name: String
        let shortName: String?
        let kind: String
        let depth: Int
        let regionID: Int64?
        let timeZone: String?
    }

    struct InstitutionDetail: Content {
        let institution: InstitutionItem
        /// From the national level down to the parent.
        let ancestors: [Named]
        let children: [Named]
    }

    @Sendable static func institutions(_ req: Request) async throws -> Page<InstitutionItem> {
        struct Query: Decodable {
            var parent_id: String?
            var q: String?
            var kind: String?
            var limit: String?
            var cursor: String?
        }
        let query = try req.query.decode(Query.self)
        var check = FieldChecker()
        var builder = InstitutionModel.query(on: req.db).filter(\.$isActive == true).sort(\.$id)
        if let raw = query.parent_id, !raw.isEmpty {
            if let id = Int64(raw) { builder = builder.filter(\.$parentID == id) } else { check.add("parent_id", .invalid) }
        }
        if let raw = query.kind, !raw.isEmpty {
            if InstitutionKind(rawValue: raw) != nil { builder = builder.filter(\.$kind == raw) } else { check.add("kind", .invalid) }
        }
        if let raw = query.q, !raw.isEmpty {
            let text = TextNormalizer.singleLine(raw)
            if text.count > 100 { check.add("q", .tooLong, limit: 100) }
            let pattern = "%" + ReportQueries.likeEscaped(text.lowercased()) + "%"
            builder = builder.filter(.sql(SQLQueryString("LOWER(name) LIKE \(bind: pattern) ESCAPE '\\'")))
        }
        var limit = 100
        if let raw = query.limit, !raw.isEmpty {
            if let value = Int(raw), (1...500).contains(value) { limit = value } else { check.add("limit", .invalid) }
        }
        if let raw = query.cursor, !raw.isEmpty {
            if let after = Int64(raw), after > 0 { builder = builder.filter(\.$id > after) } else { check.add("cursor", .invalid) }
        }
        try check.finish()
        let rows = try await builder.limit(limit + 1).all()
        let page = rows.prefix(limit).map(item)
        return Page(items: page, nextCursor: rows.count > limit ? page.last.map { String($0.id) } : nil)
    }

    @Sendable static func institution(_ req: Request) async throws -> InstitutionDetail {
        guard let id = req.parameters.get("id", as: Int64.self), let model = try await InstitutionModel.find(id, on: req.db), model.isActive
        else { throw APIError.notFound }
        let path = model.institutionPath
        let names = try await InstitutionDirectory.names(Set(path.ids), on: req.db)
        let children = try await InstitutionModel.query(on: req.db).filter(\.$parentID == id).filter(\.$isActive == true).sort(\.$name)
            .all()
        return InstitutionDetail(
            institution: item(model), ancestors: path.ids.dropLast().map { Named(id: $0, name: names[$0] ?? "") },
            children: children.map { Named(id: $0.id!, name: $0.name) })
    }

    static func item(_ model: InstitutionModel) -> InstitutionItem {
        InstitutionItem(
            id: model.id!, parentID: model.parentID, name: model.name, shortName: model.shortName, kind: model.kind,
            depth: model.depth, regionID: model.regionID, timeZone: model.timeZone)
    }

    struct CategoryItem: Content {
        let id: Int64
        let name: String
        let subcategories: [Named]
    }

    @Sendable static func categories(_ req: Request) async throws -> Response {
        let all = try await CategoryModel.query(on: req.db).filter(\.$isActive == true).sort(\.$name).all()
        let children = Dictionary(grouping: all.filter { $0.parentID != nil }, by: { $0.parentID! })
        let items = all.filter { $0.parentID == nil }.map { category in
            CategoryItem(
                id: category.id!, name: category.name,
                subcategories: (children[category.id!] ?? []).map { Named(id: $0.id!, name: $0.name) })
        }
        let response = try await Items(items: items).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }

    struct RegionItem: Content {
        let id: Int64
        let parentID: Int64?
        let name: String
        let kind: String
        let code: String?
    }

    @Sendable static func regions(_ req: Request) async throws -> Response {
        let parent = try? req.query.get(String.self, at: "parent_id")
        var builder = RegionModel.query(on: req.db).sort(\.$name)
        if let parent, !parent.isEmpty {
            guard let id = Int64(parent) else { throw APIError.field("parent_id", .invalid) }
            builder = builder.filter(\.$parentID == id)
        } else {
            builder = builder.filter(\.$parentID == nil)
        }
        let items = try await builder.all().map {
            RegionItem(id: $0.id!, parentID: $0.parentID, name: $0.name, kind: $0.kind, code: $0.code)
        }
        let response = try await Items(items: items).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }
}
