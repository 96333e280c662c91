import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Looks up institutions and builds the tree.
enum InstitutionDirectory {
    /// The place in the tree of the institution a request names; an unknown one is a field error.
    static func path(of id: Int64, on db: any Database) async throws -> InstitutionPath {
        guard let institution = try await find(id, on: db) else { throw APIError.field("institution_id", .unknown) }
        return institution.path
    }

    static func path(of id: Int64?, on db: any Database) async throws -> InstitutionPath? {
        guard let id else { return nil }
        let path: InstitutionPath = try await path(of: id, on: db)
        return path
    }

    static func find(_ id: Int64, on db: any Database) async throws -> Institution? {
        try await first(where: "id = \(bind: id)", on: db)
    }

    /// The national level: the one institution at the top of the tree.
    static func root(on db: any Database) async throws -> Institution? {
        try await first(where: "depth = \(bind: 0) ORDER BY id", on: db)
    }

    /// One institution as a plain row: every report taken in looks up two, and a Fluent model costs far more to
    /// decode than the lookup.
    private static func first(where condition: SQLQueryString, on db: any Database) async throws -> Institution? {
        struct StoredInstitution: Decodable {
            let id: Int64, parent_id: Int64?, name: String, short_name: String?, kind: String, code: String?, path: String
            let region_id: Int64?, time_zone: String?, is_active: Bool
        }
        let row = try await db.sql.raw(
            """
            SELECT id, parent_id, name, short_name, kind, code, path, region_id, time_zone, is_active FROM institutions
            WHERE \(condition) LIMIT 1
            """
        ).first(decoding: StoredInstitution.self)
        guard let row, let path = InstitutionPath(encoded: row.path) else { return nil }
        return Institution(
            id: row.id, parentID: row.parent_id, name: row.name, shortName: row.short_name,
            kind: InstitutionKind(rawValue: row.kind) ?? .unit,
            code: row.code, path: path, regionID: row.region_id, timeZone: row.time_zone, isActive: row.is_active)
    }

    /// Adds an institution under `parent` (or as the root) and gives it its path.
    @discardableResult
    static func create(
        name: String, kind: InstitutionKind, under parent: Institution?, shortName: String? = nil,
        code: String? = nil, regionID: Int64? = nil, timeZone: String? = nil, now: Date, on db: any Database
    ) async throws -> Institution {
        try await db.transaction { db in
            let model = InstitutionModel()
            model.parentID = parent?.id
            model.name = name
            model.shortName = shortName
            model.kind = kind.rawValue
            model.code = code
            model.regionID = regionID
            model.timeZone = timeZone
            model.isActive = true
            model.createdAt = now
            // The path needs the new id; a unique placeholder holds the place until it is known.
            model.path = "/pending-\(UUID().uuidString)/"
            model.depth = (parent?.path.depth ?? -1) + 1
            try await model.create(on: db)
            model.path = InstitutionPath((parent?.path.ids ?? []) + [model.id!]).encoded
            try await model.update(on: db)
            return model.record
        }
    }

    /// An active institution in a subtree, as a picker lists it.
    struct Place: Decodable, Sendable {
        let id: Int64
        let name: String
        let depth: Int
    }

    /// The active institutions of a subtree (its top included), in tree order, as plain rows: the national level's
    /// subtree holds thousands, and a picker needs only their names.
    static func subtree(of path: InstitutionPath, limit: Int, on db: any Database) async throws -> [Place] {
        let within = Subtree.condition("path", within: path, on: db)
        return try await db.sql.raw(
            """
            SELECT id, name, depth FROM institutions WHERE \(within) AND is_active = \(bind: true) ORDER BY path LIMIT \(bind: limit)
            """
        ).all(decoding: Place.self)
    }

    /// Which of `ids` have institutions under them (to offer a way down the tree).
    static func parents(among ids: [Int64], on db: any Database) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }  // PostgreSQL refuses an empty IN list
        let list = SQLList(ids.map { SQLBind($0) })
        return Set(
            try await db.sql.raw("SELECT DISTINCT parent_id FROM institutions WHERE parent_id IN (\(list))").all(
                decodingColumn: "parent_id", as: Int64.self))
    }

    /// Names for a set of institution ids, in one query.
    static func names(_ ids: Set<Int64>, on db: any Database) async throws -> [Int64: String] {
        try await NameBook.names(in: "institutions", ids, on: db)
    }
}
