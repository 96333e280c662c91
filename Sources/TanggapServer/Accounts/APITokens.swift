import Crypto
import Fluent
import Foundation
import TanggapCore
import Vapor

/// Bearer tokens for the JSON API: `tg_<public id>_<secret>`. The public id finds the row; the secret is
/// kept only as a SHA-256 digest and compared in constant time. Bcrypt stays at the login door, where its
/// slowness protects passwords, instead of slowing every API call.
enum APITokens {
    struct Issued: Sendable {
        let token: String
        let expiresAt: Date
    }

    static func issue(for userID: Int64, label: String?, lifetime: TimeInterval, now: Date, on db: any Database) async throws -> Issued {
        let publicID = randomHex(bytes: 8)
        let secret = randomHex(bytes: 32)
        let model = APITokenModel()
        model.userID = userID
        model.publicID = publicID
        model.secretDigest = digest(secret)
        model.label = label
        model.createdAt = now
        model.expiresAt = now.addingTimeInterval(lifetime)
        try await model.create(on: db)
        return Issued(token: "tg_\(publicID)_\(secret)", expiresAt: model.expiresAt)
    }

    /// The user a token belongs to; `invalidToken` for anything forged, revoked or malformed.
    static func resolve(_ token: String, now: Date, on db: any Database) async throws -> (SignedInUser, tokenID: Int64) {
        let parts = token.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "tg", parts[1].count == 16, parts[2].count == 64,
            parts[1].allSatisfy(\.isHexDigit), parts[2].allSatisfy(\.isHexDigit)
        else { throw APIError.invalidToken }
        guard let model = try await APITokenModel.query(on: db).filter(\.$publicID == String(parts[1])).first(),
            constantTimeEqual(model.secretDigest, digest(String(parts[2]))), model.revokedAt == nil
        else { throw APIError.invalidToken }
        guard model.expiresAt > now else { throw APIError.tokenExpired }
        guard let user = try await AccountService.signedInUser(id: model.userID, on: db) else { throw APIError.invalidToken }
        // Record use at most once a minute: a busy client should not turn every read into a write.
        if model.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            model.lastUsedAt = now
            try await model.update(on: db)
        }
        return (user, model.id!)
    }

    static func revoke(_ tokenID: Int64, now: Date, on db: any Database) async throws {
        guard let model = try await APITokenModel.find(tokenID, on: db) else { return }
        model.revokedAt = now
        try await model.update(on: db)
    }

    static func digest(_ secret: String) -> String {
        Hex.string(SHA256.hash(data: Data(secret.utf8)))
    }

    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.string((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

/// Compares two strings in time that depends only on their length, not on where they differ.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}
