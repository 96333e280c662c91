import Fluent
import Foundation
import SQLKit
import Vapor

/// A person's own ways in — their web sessions and API tokens, with what they need to recognise each — and the means
/// to end any of them. Only the person's own are ever listed or ended: another person's id is simply not found.
enum SignIns {
    struct Session: Content {
        let id: Int64
        let device: String
        let createdAt: Date
        let lastUsedAt: Date?
        /// The session this request came with.
        let current: Bool
    }

    struct Token: Content {
        let id: Int64
        let label: String?
        let createdAt: Date
        let lastUsedAt: Date?
        let expiresAt: Date
        /// The token this request came with.
        let current: Bool
    }

    struct Listing: Content {
        let sessions: [Session]
        let tokens: [Token]
    }

    /// Current sessions (a password still waiting for its code is none) and unrevoked, unexpired tokens, newest first.
    static func list(
        of userID: Int64, currentSession: Int64?, currentToken: Int64?, now: Date, on db: any Database
    ) async throws
        -> Listing
    {
        struct SessionRow: Decodable {
            let id: Int64
            let device: String?
            let created_at: Date
            let last_seen_at: Date?
        }
        struct TokenRow: Decodable {
            let id: Int64
            let label: String?
            let created_at: Date
            let last_used_at: Date?
            let expires_at: Date
        }
        let sessions = try await db.sql.select().columns("id", "device", "created_at", "last_seen_at").from("web_sessions")
            .where("user_id", .equal, userID).where("awaiting_code", .equal, false).where("expires_at", .greaterThan, now)
            .orderBy("id", .descending).limit(200).all(decoding: SessionRow.self)
        let tokens = try await db.sql.select().columns("id", "label", "created_at", "last_used_at", "expires_at").from("api_tokens")
            .where("user_id", .equal, userID).where("revoked_at", .is, SQLLiteral.null).where("expires_at", .greaterThan, now)
            .orderBy("id", .descending).limit(200).all(decoding: TokenRow.self)
        return Listing(
            sessions: sessions.map {
                Session(
                    id: $0.id, device: $0.device ?? "?", createdAt: $0.created_at, lastUsedAt: $0.last_seen_at,
                    current: $0.id == currentSession)
            },
            tokens: tokens.map {
                Token(
                    id: $0.id, label: $0.label, createdAt: $0.created_at, lastUsedAt: $0.last_used_at, expiresAt: $0.expires_at,
                    current: $0.id == currentToken)
            })
    }

    /// Ends one of the person's sessions; false when they have none with that id.
    static func endSession(_ id: Int64, of userID: Int64, on db: any Database) async throws -> Bool {
        try await db.sql.delete(from: "web_sessions").where("id", .equal, id).where("user_id", .equal, userID)
            .returning("id").first() != nil
    }

    /// Ends every session of the person but `kept` (the browser that asks).
    static func endOtherSessions(of userID: Int64, keeping kept: Int64?, on db: any Database) async throws {
        var delete = db.sql.delete(from: "web_sessions").where("user_id", .equal, userID)
        if let kept { delete = delete.where("id", .notEqual, kept) }
        try await delete.run()
    }

    /// Revokes one of the person's tokens; false when they have no live token with that id.
    static func revokeToken(_ id: Int64, of userID: Int64, now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.update("api_tokens").set("revoked_at", to: SQLBind(now)).where("id", .equal, id)
            .where("user_id", .equal, userID).where("revoked_at", .is, SQLLiteral.null).returning("id").first() != nil
    }
}
