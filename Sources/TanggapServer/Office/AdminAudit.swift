import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// The record of administrative changes: every one, with who made it and where, in the transaction of the change.
enum AdminAudit {
    struct Entry: Decodable, Sendable {
        let at: Date
        let actor: String?
        let institution: String?
        let action: String
        let details: String
    }

    static func record(
        _ action: String, _ details: [String: String], by userID: Int64?, at institutionID: Int64?, now: Date, on db: any Database
    ) async throws {
        let json = String(decoding: try JSONEncoder().encode(details), as: UTF8.self)
        try await db.sql.insert(into: "admin_audit").columns("at", "actor_user_id", "institution_id", "action", "details")
            .values(SQLBind(now), SQLBind(userID), SQLBind(institutionID), SQLBind(action), SQLBind(json)).run()
    }

    /// The newest entries about institutions in this subtree.
    static func recent(under path: InstitutionPath, limit: Int = 50, on db: any Database) async throws -> [Entry] {
        try await db.sql.raw(
            """
            SELECT a.at, u.name AS actor, i.name AS institution, a.action, a.details
            FROM admin_audit a LEFT JOIN users u ON u.id = a.actor_user_id LEFT JOIN institutions i ON i.id = a.institution_id
            WHERE i.path LIKE \(bind: path.encoded + "%") ORDER BY a.id DESC LIMIT \(bind: limit)
            """
        ).all(decoding: Entry.self)
    }
}

extension Request {
    /// Records an administrative change made through this request by the signed-in person.
    func audit(_ action: String, _ details: [String: String], institutionID: Int64?, on db: (any Database)? = nil) async throws {
        try await AdminAudit.record(action, details, by: signedInUser?.id, at: institutionID, now: now, on: db ?? self.db)
    }
}
