import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The institution tree as the routing model sees it: every active body with its kind (`BodyKey`), the region it
/// serves, and its place in the tree (to keep suggestions among the bodies a report may be sent to). A few thousand
/// rows, read whole and kept beside the model.
struct BodyDirectory: Sendable {
    struct Body: Sendable {
        let id: Int64
        let name: String
        let path: InstitutionPath
        let candidate: RoutingModel.Candidate
    }

    private(set) var bodies: [Int64: Body] = [:]
    /// Each region's province (a province is its own), and its name.
    private(set) var provinceOf: [Int64: Int64] = [:]
    private(set) var regionNames: [Int64: String] = [:]

    func key(of id: Int64) -> String? { bodies[id]?.candidate.key }

    func place(of regionID: Int64?) -> RoutingModel.Place? {
        guard let regionID, let province = provinceOf[regionID] else { return nil }
        return RoutingModel.Place(regionID: regionID, provinceID: province)
    }

    /// The bodies a report held at `holder` may be sent to (the core's `Lifecycle.withinDispatchReach`).
    func candidates(under holder: InstitutionPath) -> [RoutingModel.Candidate] {
        bodies.values.filter { Lifecycle.withinDispatchReach($0.path, heldAt: holder) }.map(\.candidate)
    }

    static func load(on db: any Database) async throws -> BodyDirectory {
        struct Row: Decodable {
            let id: Int64
            let parent_id: Int64?
            let name: String
            let kind: String
            let path: String
            let region_id: Int64?
            let is_active: Bool
        }
        struct RegionRow: Decodable {
            let id: Int64
            let parent_id: Int64?
            let name: String
        }
        let rows = try await db.sql.raw("SELECT id, parent_id, name, kind, path, region_id, is_active FROM institutions")
            .all(decoding: Row.self)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        var directory = BodyDirectory()
        for region in try await db.sql.raw("SELECT id, parent_id, name FROM regions").all(decoding: RegionRow.self) {
            directory.provinceOf[region.id] = region.parent_id ?? region.id
            directory.regionNames[region.id] = region.name
        }
        for row in rows where row.is_active {
            guard let path = InstitutionPath(encoded: row.path) else { continue }
            // Up the tree to the body that gives the level; the first region met on the way is the one it serves.
            var names = [row.name]
            var level = BodyKey.Level.national
            var region = row.region_id
            var current: Row? = row
            while let at = current {
                let kind = InstitutionKind(rawValue: at.kind) ?? .unit
                if at.id != row.id { names.insert(at.name, at: 0) }
                if region == nil { region = at.region_id }
                if kind != .unit && kind != .subunit {
                    level =
                        switch kind {
                        case .province: .province
                        case .regency, .city: .local
                        default: .national
                        }
                    break
                }
                current = at.parent_id.flatMap { byID[$0] }
            }
            directory.bodies[row.id] = Body(
                id: row.id, name: row.name, path: path,
                candidate: RoutingModel.Candidate(
                    id: row.id, key: BodyKey.key(level: level, names: names), regionID: level == .national ? nil : region))
        }
        return directory
    }
}
