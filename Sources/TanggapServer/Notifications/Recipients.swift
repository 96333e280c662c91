import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Who is told about a report's deadlines.
enum Recipients {
    private struct Row: Decodable { let user_id: Int64; let role: String; let institution_id: Int64 }

    /// For a report at `holder`: its liaison officers, and the institution admins nearest above it (the unit's
    /// own admin if it has one, else the regency's, and so on up).
    static func forHolder(_ holder: InstitutionPath, on db: any Database) async throws -> [Int64] {
        let rows = try await grants(on: holder.ids, on: db)
        let liaisons = rows.filter { $0.role == Role.liaisonOfficer.rawValue && $0.institution_id == holder.institutionID }.map(\.user_id)
        return Array(Set(liaisons + nearestAdmins(rows, path: holder.ids))).sorted()
    }

    /// The admins of the institution `levelsUp` above `holder` (or the nearest above it that has any).
    static func admins(levelsUp: Int, above holder: InstitutionPath, on db: any Database) async throws -> (institutionID: Int64, users: [Int64]) {
        let path = Array(holder.ids.prefix(max(1, holder.ids.count - levelsUp)))
        let rows = try await grants(on: path, on: db)
        return (path.last!, nearestAdmins(rows, path: path))
    }

    private static func nearestAdmins(_ rows: [Row], path: [Int64]) -> [Int64] {
        for institution in path.reversed() {
            let admins = rows.filter { $0.role == Role.institutionAdmin.rawValue && $0.institution_id == institution }.map(\.user_id)
            if !admins.isEmpty { return admins }
        }
        // No institution admin anywhere above: the national admins look after it.
        return rows.filter { $0.role == Role.nationalAdmin.rawValue }.map(\.user_id)
    }

    private static func grants(on institutions: [Int64], on db: any Database) async throws -> [Row] {
        try await db.sql.raw("""
            SELECT g.user_id, g.role, g.institution_id FROM role_grants g JOIN users u ON u.id = g.user_id
            WHERE u.is_active = \(bind: true) AND g.role IN ('liaison_officer', 'institution_admin', 'national_admin')
              AND g.institution_id IN (\(binds: institutions))
            """).all(decoding: Row.self)
    }
}
