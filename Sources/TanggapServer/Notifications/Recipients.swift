import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Loads the staff who could be told about a report's deadlines; `ReminderPolicy` decides who is.
enum Recipients {
    static func forHolder(_ holder: InstitutionPath, on db: any Database) async throws -> [Int64] {
        ReminderPolicy.recipients(for: holder, among: try await grants(along: holder, on: db))
    }

    static func admins(
        levelsUp: Int, above holder: InstitutionPath, on db: any Database
    ) async throws -> (institutionID: Int64, users: [Int64]) {
        let (level, users) = ReminderPolicy.ladder(levelsUp: levelsUp, above: holder, among: try await grants(along: holder, on: db))
        return (level.institutionID, users)
    }

    /// The reminder-relevant grants of active people on the institutions along `holder`'s path.
    private static func grants(along holder: InstitutionPath, on db: any Database) async throws -> [StaffGrant] {
        struct StoredGrant: Decodable {
            let user_id: Int64
            let role: String
            let institution_id: Int64
        }
        let rows = try await db.sql.raw(
            """
            SELECT g.user_id, g.role, g.institution_id FROM role_grants g JOIN users u ON u.id = g.user_id
            WHERE u.is_active = \(bind: true) AND g.role IN ('liaison_officer', 'institution_admin', 'national_admin')
              AND g.institution_id IN (\(binds: holder.ids))
            """
        ).all(decoding: StoredGrant.self)
        return rows.compactMap { row in
            guard let role = Role(rawValue: row.role), let depth = holder.ids.firstIndex(of: row.institution_id) else { return nil }
            return StaffGrant(userID: row.user_id, grant: RoleGrant(role, on: InstitutionPath(Array(holder.ids.prefix(depth + 1)))))
        }
    }
}
