import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// The people of the generated tree: an admin for each ministry and government (`admin.<id>@generated.tanggap.test`)
/// and a liaison officer for each unit (`penghubung.<id>@…`), all with one password, hashed once. Written the first
/// time only.
enum SyntheticStaff {
    static let domain = "generated.tanggap.test"

    static func email(_ role: Role, at institutionID: Int64) -> String {
        "\(role == .institutionAdmin ? "admin" : "penghubung").\(institutionID)@\(domain)"
    }

    /// Returns how many accounts were written (none when they exist already).
    static func write(_ tree: SyntheticTree, password: String, bcryptCost: Int, now: Date, on db: any Database) async throws -> Int {
        struct Count: Decodable { let n: Int }
        let existing =
            try await db.sql.raw("SELECT COUNT(*) AS n FROM users WHERE email LIKE \(bind: "%@" + domain)").first(decoding: Count.self)?.n
            ?? 0
        guard existing == 0, !tree.staff.isEmpty else { return 0 }
        let hash = try Bcrypt.hash(password, cost: bcryptCost)
        let postgres = db.isPostgres
        try await db.transaction { db in
            let rows = tree.staff.map { institution, role -> [SQLCell] in
                let title = role == .institutionAdmin ? "Admin" : "Penghubung"
                return [
                    .text("\(title) \(institution.name)"), .text(email(role, at: institution.id)), .text(hash), .int(institution.id),
                    .bool(true), .date(now),
                ]
            }
            for chunk in rows.chunks(of: Generator.rowsPerStatement) {
                try await db.sql.raw(
                    SQLQueryString(
                        SQLCell.insert(
                            into: "users", columns: ["name", "email", "password_hash", "institution_id", "is_active", "created_at"],
                            rows: chunk,
                            postgres: postgres))
                ).run()
            }
            try await db.sql.raw(
                """
                INSERT INTO role_grants (user_id, role, institution_id, created_at)
                SELECT id, CASE WHEN email LIKE 'admin.%' THEN \(bind: Role.institutionAdmin.rawValue) ELSE \(bind: Role.liaisonOfficer.rawValue) END,
                    institution_id, created_at
                FROM users WHERE email LIKE \(bind: "%@" + domain)
                """
            ).run()
        }
        return tree.staff.count
    }
}
