import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The keys of the apps allowed to file reports over Open311, one per app: `<public id>.<secret>`. The public id
/// finds the row; the secret is kept only as a SHA-256 digest and compared in constant time (like `APITokens`,
/// and for the same reason: the key is long and random, so Bcrypt's slowness would protect nothing).
enum Open311Keys {
    /// An app and its key, as the admin sees it (never the key itself, which is shown once, when issued).
    struct Client: Decodable, Sendable {
        let id: Int64
        let name: String
        let created_at: Date
        let revoked_at: Date?
        let last_used_at: Date?
        let reports_filed: Int

        var isRevoked: Bool { revoked_at != nil }
    }

    /// An app's name: what its reports' channel says, so short, printable and one of a kind.
    static let nameLimits = 2...60

    /// Issues a key for a new app and records it in the admin record. The key is returned once and never stored.
    static func issue(name rawName: String, by userID: Int64?, now: Date, on db: any Database) async throws -> (Client, key: String) {
        let name = try checkedName(rawName)
        let existing = try await db.sql.raw("SELECT id FROM open311_clients WHERE name = \(bind: name)").first()
        if existing != nil { throw APIError(status: .conflict, code: "open311_name_taken", fields: [FieldError("name", .notAllowed)]) }
        let publicID = APITokens.randomHex(bytes: 8)
        let secret = APITokens.randomHex(bytes: 24)
        let client = try await db.transaction { db in
            try await db.sql.raw(
                """
                INSERT INTO open311_clients (name, public_id, secret_digest, created_at, created_by_user_id, reports_filed)
                VALUES (\(bind: name), \(bind: publicID), \(bind: APITokens.digest(secret)), \(bind: now), \(bind: userID), 0)
                """
            ).run()
            let root = try await InstitutionDirectory.root(on: db)?.id
            try await AdminAudit.record("open311_key_issued", ["app": name], by: userID, at: root, now: now, on: db)
            return try await find(name: name, on: db)
        }
        guard let client else { throw APIError(status: .internalServerError, code: "internal_error") }
        return (client, "\(publicID).\(secret)")
    }

    /// Revokes an app's key at once: its next request is refused. Its reports stay as they are.
    static func revoke(id: Int64, by userID: Int64?, now: Date, on db: any Database) async throws -> Client {
        guard let client = try await find(id: id, on: db) else { throw APIError.notFound }
        guard !client.isRevoked else { return client }
        try await db.transaction { db in
            try await db.sql.raw("UPDATE open311_clients SET revoked_at = \(bind: now) WHERE id = \(bind: client.id)").run()
            let root = try await InstitutionDirectory.root(on: db)?.id
            try await AdminAudit.record("open311_key_revoked", ["app": client.name], by: userID, at: root, now: now, on: db)
        }
        return try await find(id: id, on: db) ?? client
    }

    static func revoke(name: String, by userID: Int64?, now: Date, on db: any Database) async throws -> Client {
        guard let client = try await find(name: name, on: db) else { throw APIError.notFound }
        return try await revoke(id: client.id, by: userID, now: now, on: db)
    }

    static func all(on db: any Database) async throws -> [Client] {
        try await db.sql.raw("SELECT \(unsafeRaw: columns) FROM open311_clients ORDER BY name").all(decoding: Client.self)
    }

    static func find(id: Int64, on db: any Database) async throws -> Client? {
        try await db.sql.raw("SELECT \(unsafeRaw: columns) FROM open311_clients WHERE id = \(bind: id)").first(decoding: Client.self)
    }

    static func find(name: String, on db: any Database) async throws -> Client? {
        try await db.sql.raw("SELECT \(unsafeRaw: columns) FROM open311_clients WHERE name = \(bind: name)").first(decoding: Client.self)
    }

    /// The app a key belongs to; `nil` for anything malformed, unknown or revoked — the caller answers all alike.
    static func resolve(_ key: String, now: Date, on db: any Database) async throws -> Client? {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 16, parts[1].count == 48, key.allSatisfy({ $0 == "." || $0.isHexDigit }) else {
            return nil
        }
        struct Row: Decodable {
            let id: Int64
            let secret_digest: String
            let revoked_at: Date?
            let last_used_at: Date?
        }
        guard
            let row = try await db.sql.raw(
                "SELECT id, secret_digest, revoked_at, last_used_at FROM open311_clients WHERE public_id = \(bind: String(parts[0]))"
            ).first(decoding: Row.self),
            constantTimeEqual(row.secret_digest, APITokens.digest(String(parts[1]))), row.revoked_at == nil
        else { return nil }
        // Use is recorded at most once a minute: a busy app should not turn every read into a write.
        if row.last_used_at.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await db.sql.raw("UPDATE open311_clients SET last_used_at = \(bind: now) WHERE id = \(bind: row.id)").run()
        }
        return try await find(id: row.id, on: db)
    }

    private static let columns = "id, name, created_at, revoked_at, last_used_at, reports_filed"

    private static func checkedName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || " -_.".unicodeScalars.contains($0) }
        guard nameLimits.contains(name.count), allowed else {
            throw APIError.validation(ValidationFailure([FieldError("name", .invalid)]))
        }
        return name
    }
}
