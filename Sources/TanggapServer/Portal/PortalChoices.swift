import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// The lists the portal's forms pick from: regions by province, categories, institutions, and the fixed
/// vocabularies in the user's language.
enum PortalChoices {
    /// Every province with its regencies and cities. A province itself may be picked when the place is unsure.
    static func regions(selected: Int64?, on req: Request) async throws -> [ChoiceGroup] {
        let all = try await RegionModel.query(on: req.db).sort(\.$name).all()
        let children = Dictionary(grouping: all.filter { $0.parentID != nil }, by: { $0.parentID! })
        let whole = req.text("form.whole_province")
        return all.filter { $0.parentID == nil }.map { province in
            let options =
                [Choice(String(province.id!), "\(province.name) (\(whole))", selected: province.id == selected)]
                + (children[province.id!] ?? []).map { Choice(String($0.id!), $0.name, selected: $0.id == selected) }
            return ChoiceGroup(label: province.name, options: options)
        }
    }

    /// The provinces only, for filters where a province stands for everything in it.
    static func provinces(selected: Int64?, on req: Request) async throws -> [Choice] {
        try await RegionModel.query(on: req.db).filter(\.$parentID == nil).sort(\.$name).all()
            .map { Choice(String($0.id!), $0.name, selected: $0.id == selected) }
    }

    /// The top of the taxonomy; sub-categories are found by searching (see `searchCategories`).
    static func categories(selected: Int64?, on req: Request) async throws -> [Choice] {
        try await CategoryModel.query(on: req.db).filter(\.$parentID == nil).filter(\.$isActive == true).sort(\.$name).all()
            .map { Choice(String($0.id!), displayName($0.name), selected: $0.id == selected) }
    }

    /// Sub-categories whose name, or whose category's name, contains the words typed.
    static func searchCategories(_ query: String, selected: Int64?, on req: Request) async throws -> [Choice] {
        let words = query.lowercased().split(whereSeparator: \.isWhitespace).prefix(5).map(String.init)
        guard !words.isEmpty, query.count <= 100 else { return [] }
        struct CategoryMatch: Decodable {
            let id: Int64
            let name: String
            let parent: String
        }
        var conditions: [SQLQueryString] = []
        for word in words {
            let pattern = "%" + ReportQueries.likeEscaped(word) + "%"
            conditions.append("(LOWER(c.name) LIKE \(bind: pattern) ESCAPE '\\' OR LOWER(p.name) LIKE \(bind: pattern) ESCAPE '\\')")
        }
        let rows = try await req.db.sql.raw(
            """
            SELECT c.id, c.name, p.name AS parent FROM categories c JOIN categories p ON p.id = c.parent_id
            WHERE c.is_active AND \(SQLList(conditions, separator: SQLRaw(" AND "))) ORDER BY p.name, c.name LIMIT 30
            """
        ).all(decoding: CategoryMatch.self)
        return rows.map { Choice(String($0.id), "\(displayName($0.parent)) › \(displayName($0.name))", selected: $0.id == selected) }
    }

    /// Institutions a citizen may name as the one they mean: the national level and the two below it.
    /// Units deeper down are reached by dispatch, which is the institutions' own work. Read as plain rows: decoding
    /// the 400 as models was a quarter of the public list's page.
    static func institutions(selected: Int64?, on req: Request) async throws -> [Choice] {
        struct InstitutionName: Decodable {
            let id: Int64
            let name: String
        }
        guard let root = try await InstitutionDirectory.root(on: req.db) else { return [] }
        let rows = try await req.db.sql.raw(
            """
            SELECT id, name FROM institutions WHERE is_active = \(bind: true) AND depth <= \(bind: root.path.depth + 2)
            ORDER BY path LIMIT 400
            """
        ).all(decoding: InstitutionName.self)
        return rows.map { Choice(String($0.id), $0.name, selected: $0.id == selected) }
    }

    /// Every word of one vocabulary as the options of a select, `selected` (a form's raw value) marked.
    static func words<Word: Labelled & CaseIterable>(_ type: Word.Type, selected: String? = nil, on req: Request) -> [Choice] {
        Word.allCases.map { Choice($0.rawValue, req.label($0), selected: $0.rawValue == selected) }
    }

    static func classifications(selected: String?, on req: Request) -> [Choice] { words(Classification.self, selected: selected, on: req) }

    static func classifications(selected: Classification, on req: Request) -> [Choice] {
        classifications(selected: selected.rawValue, on: req)
    }

    static func states(selected: String?, on req: Request) -> [Choice] { words(ReportState.self, selected: selected, on: req) }

    static func ratings(on req: Request) -> [Choice] { words(Rating.self, on: req) }

    /// The taxonomy is stored in capitals, as the national list has it; people read it in ordinary case.
    static func displayName(_ name: String) -> String {
        name == name.uppercased() ? name.capitalized(with: Locale(identifier: "id_ID")) : name
    }
}
