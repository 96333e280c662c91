import Crypto
import Fluent
import Foundation
import MessageSignatures
import SQLKit
import TanggapCore

/// This instance's identity (a stable id made on first start) and its Ed25519 signing keys. The newest unretired key
/// signs; a retired key is still published, and so still accepted by peers, for `grace` after its retirement. Private
/// seeds live where every process of the instance can read them and nothing else should: a 0600 file in the data
/// folder on SQLite, the database on PostgreSQL (whose processes share no folder).
enum InstanceKeys {
    static let grace: TimeInterval = 7 * 86_400

    struct PublishedKey: Codable, Sendable, Equatable {
        let id: String
        /// Raw Ed25519 public key, base64url without padding.
        let publicKey: String
        let createdAt: Date
        /// Until when a retired key is still accepted; nil for the key that signs now.
        var expiresAt: Date?
    }

    struct Identity: Sendable {
        let instanceID: String
        let keys: [PublishedKey]
        let signer: MessageSigner
    }

    /// The identity, made on first use (id and first key) in one transaction.
    static func load(settings: Settings, now: Date, on db: any Database) async throws -> Identity {
        if let identity = try await stored(settings: settings, now: now, on: db) { return identity }
        try await db.writeTransaction { db in
            try await db.sql.insert(into: "federation_identity").columns("id", "instance_id", "created_at")
                .values(SQLBind(1), SQLBind(UUID().uuidString.lowercased()), SQLBind(now)).ignoringConflicts(with: ["id"]).run()
            let hasKey = try await db.sql.select().column("key_id").from("federation_keys").first() != nil
            if !hasKey { try await addKey(settings: settings, now: now, on: db) }
        }
        guard let identity = try await stored(settings: settings, now: now, on: db) else { throw FederationError.noKey }
        return identity
    }

    /// This instance's id alone, as events name it; made with the keys on first use.
    static func instanceID(settings: Settings, now: Date, on db: any Database) async throws -> String {
        if let id = try await db.sql.select().column("instance_id").from("federation_identity").first(
            decodingColumn: "instance_id", as: String.self)
        {
            return id
        }
        return try await load(settings: settings, now: now, on: db).instanceID
    }

    /// A new signing key; the one before is retired and stays valid for `grace`.
    @discardableResult
    static func rotate(settings: Settings, now: Date, on db: any Database) async throws -> String {
        _ = try await load(settings: settings, now: now, on: db)
        return try await db.writeTransaction { db in
            try await db.sql.update("federation_keys").set("retired_at", to: SQLBind(now)).where("retired_at", .is, SQLLiteral.null).run()
            return try await addKey(settings: settings, now: now, on: db)
        }
    }

    private static func addKey(settings: Settings, now: Date, on db: any Database) async throws -> String {
        let key = Curve25519.Signing.PrivateKey()
        let keyID = APITokens.randomHex(bytes: 8)
        let seed = key.rawRepresentation.base64URL
        if !settings.database.isPostgres { try writeSeedFile(seed, keyID: keyID, settings: settings) }
        try await db.sql.insert(into: "federation_keys").columns("key_id", "public_key", "private_key", "created_at")
            .values(
                SQLBind(keyID), SQLBind(key.publicKey.rawRepresentation.base64URL), SQLBind(settings.database.isPostgres ? seed : nil),
                SQLBind(now)
            )
            .run()
        return keyID
    }

    private struct Row: Decodable {
        let key_id: String
        let public_key: String
        let private_key: String?
        let created_at: Date
        let retired_at: Date?
    }

    private static func stored(settings: Settings, now: Date, on db: any Database) async throws -> Identity? {
        guard
            let instanceID = try await db.sql.select().column("instance_id").from("federation_identity")
                .first(decodingColumn: "instance_id", as: String.self)
        else { return nil }
        let rows = try await db.sql.select().columns("key_id", "public_key", "private_key", "created_at", "retired_at")
            .from("federation_keys").all(decoding: Row.self)
            // The signing key first, then the retired ones, newest retirement first.
            .sorted { ($0.retired_at ?? .distantFuture, $0.created_at) > ($1.retired_at ?? .distantFuture, $1.created_at) }
        guard let active = rows.first(where: { $0.retired_at == nil }) else { return nil }
        let seed = try active.private_key ?? readSeedFile(keyID: active.key_id, settings: settings)
        guard let seedBytes = Data(base64URL: seed) else { throw FederationError.noKey }
        let signer = MessageSigner(key: try Curve25519.Signing.PrivateKey(rawRepresentation: seedBytes), keyID: active.key_id)
        let published = rows.compactMap { row -> PublishedKey? in
            let expires = row.retired_at.map { $0.addingTimeInterval(grace) }
            if let expires, expires <= now { return nil }
            return PublishedKey(id: row.key_id, publicKey: row.public_key, createdAt: row.created_at, expiresAt: expires)
        }
        return Identity(instanceID: instanceID, keys: published, signer: signer)
    }

    static func seedPath(keyID: String, settings: Settings) -> String {
        (settings.dataDirectory as NSString).appendingPathComponent("federation/\(keyID).key")
    }

    private static func writeSeedFile(_ seed: String, keyID: String, settings: Settings) throws {
        let path = seedPath(keyID: keyID, settings: settings)
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: path, contents: Data(seed.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw FederationError.noKey
        }
    }

    private static func readSeedFile(keyID: String, settings: Settings) throws -> String {
        guard let data = FileManager.default.contents(atPath: seedPath(keyID: keyID, settings: settings)) else {
            throw FederationError.noKey
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What an admin compares on both sides before trusting a key: the first 16 bytes of its SHA-256, in groups.
    static func fingerprint(ofPublicKey base64URL: String) -> String {
        let hex = Array(Hex.string(SHA256.hash(data: Data(base64URL: base64URL) ?? Data()).prefix(16)))
        return stride(from: 0, to: hex.count, by: 4).map { String(hex[$0..<$0 + 4]) }.joined(separator: " ")
    }
}

enum FederationError: Error, CustomStringConvertible {
    case noKey
    /// A peer's document names another instance than the one pinned at that address.
    case notThePinnedInstance
    var description: String {
        switch self {
        case .noKey: "the instance's signing key cannot be read (the data folder's federation/ files, or the database)"
        case .notThePinnedInstance: "the address answers for another instance than the one pinned"
        }
    }
}
