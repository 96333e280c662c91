import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Each staff member's second factor: a TOTP secret, confirmed by a first code, and ten recovery codes for a lost
/// phone. Codes are checked here and nowhere else; a code or recovery code is spent by a conditional update, so two
/// requests racing with the same code cannot both pass.
enum SecondFactors {
    static let recoveryCodeCount = 10

    private struct Stored: Decodable {
        let secret: String
        let confirmed_at: Date?
        let last_step: Int64?
    }

    private static func stored(_ userID: Int64, on db: any Database) async throws -> Stored? {
        try await db.sql.raw("SELECT secret, confirmed_at, last_step FROM second_factors WHERE user_id = \(bind: userID)")
            .first(decoding: Stored.self)
    }

    static func isEnrolled(_ userID: Int64, on db: any Database) async throws -> Bool {
        try await stored(userID, on: db)?.confirmed_at != nil
    }

    /// The secret of an enrolment under way, made now if there is none. Nil once enrolled: a confirmed secret is
    /// never shown again.
    static func pendingSecret(for userID: Int64, now: Date, on db: any Database) async throws -> [UInt8]? {
        if let existing = try await stored(userID, on: db) {
            return existing.confirmed_at == nil ? Base32.decode(existing.secret) : nil
        }
        let secret = TOTP.newSecret()
        try await db.sql.insert(into: "second_factors").columns("user_id", "secret", "created_at")
            .values(SQLBind(userID), SQLBind(Base32.encode(secret)), SQLBind(now)).run()
        return secret
    }

    /// Confirms the enrolment with a first code from the app; answers the recovery codes, shown this once.
    static func confirm(_ userID: Int64, code: String?, now: Date, on db: any Database) async throws -> [String] {
        guard let existing = try await stored(userID, on: db), existing.confirmed_at == nil,
            let secret = Base32.decode(existing.secret)
        else { throw APIError.secondFactorEnrolled }
        guard let step = TOTP.matchingStep(code ?? "", secret: secret, at: now, after: nil) else {
            throw APIError.field("code", .invalid)
        }
        return try await db.transaction { db in
            try await db.sql.update("second_factors").set("confirmed_at", to: SQLBind(now)).set("last_step", to: SQLBind(step))
                .where("user_id", .equal, userID).run()
            return try await replaceRecoveryCodes(of: userID, on: db)
        }
    }

    /// True when `code` is the person's current TOTP code (never used before) or one of their unused recovery
    /// codes, which it spends.
    static func verify(_ userID: Int64, code: String?, now: Date, on db: any Database) async throws -> Bool {
        guard let code, code.count <= 40, let existing = try await stored(userID, on: db), existing.confirmed_at != nil,
            let secret = Base32.decode(existing.secret)
        else { return false }
        if let recovery = RecoveryCode(typed: code) {
            return try await db.sql.raw(
                """
                UPDATE recovery_codes SET used_at = \(bind: now)
                WHERE user_id = \(bind: userID) AND code_digest = \(bind: recovery.digest) AND used_at IS NULL RETURNING id
                """
            ).first() != nil
        }
        guard let step = TOTP.matchingStep(code, secret: secret, at: now, after: existing.last_step) else { return false }
        return try await db.sql.raw(
            """
            UPDATE second_factors SET last_step = \(bind: step)
            WHERE user_id = \(bind: userID) AND (last_step IS NULL OR last_step < \(bind: step)) RETURNING user_id
            """
        ).first() != nil
    }

    static func unusedRecoveryCodes(of userID: Int64, on db: any Database) async throws -> Int {
        try await db.sql.raw("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = \(bind: userID) AND used_at IS NULL")
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// New recovery codes; the old ones stop working.
    static func replaceRecoveryCodes(of userID: Int64, on db: any Database) async throws -> [String] {
        try await db.sql.delete(from: "recovery_codes").where("user_id", .equal, userID).run()
        let codes = (0..<recoveryCodeCount).map { _ in RecoveryCode.random() }
        for code in codes {
            try await db.sql.insert(into: "recovery_codes").columns("user_id", "code_digest")
                .values(SQLBind(userID), SQLBind(code.digest)).run()
        }
        return codes.map(\.display)
    }

    /// Forgets the second factor (an admin's reset for a lost phone): the person enrols again at next sign-in.
    static func remove(_ userID: Int64, on db: any Database) async throws {
        try await db.sql.delete(from: "recovery_codes").where("user_id", .equal, userID).run()
        try await db.sql.delete(from: "second_factors").where("user_id", .equal, userID).run()
    }
}

/// A recovery code: ten characters of an alphabet without look-alikes, shown as `xxxxx-xxxxx`, kept as a SHA-256
/// digest (fifty random bits: a digest cannot be walked back in any useful time, and a slow hash would make each
/// sign-in check ten of them).
struct RecoveryCode {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
    let value: String

    static func random() -> RecoveryCode {
        var generator = SystemRandomNumberGenerator()
        return RecoveryCode(value: String((0..<10).map { _ in alphabet.randomElement(using: &generator)! }))
    }

    private init(value: String) { self.value = value }

    /// What a person typed, if it has the shape of a recovery code (dashes, spaces and case forgiven).
    init?(typed: String) {
        let cleaned = typed.lowercased().filter { $0 != "-" && !$0.isWhitespace }
        guard cleaned.count == 10, cleaned.allSatisfy({ Self.alphabet.contains($0) }) else { return nil }
        value = cleaned
    }

    var display: String { "\(value.prefix(5))-\(value.suffix(5))" }
    var digest: String { APITokens.digest("recovery:" + value) }
}
