import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// "Lupa sandi": a person who forgot their password asks for a link by e-mail and sets a new one through it. Asking
/// answers the same whether the address has an account or not; a link works once, for an hour, and only a digest of it
/// is stored; a new link is not sent while one made in the last five minutes is still unused (no mail bombing through
/// the form). Setting the password ends every session and token, as a change does, and clears a lockout: whoever
/// holds the mailbox is the owner. A second factor is still asked at the next sign-in.
enum PasswordResets {
    static let lifetime: TimeInterval = 3_600
    static let resendAfter: TimeInterval = 5 * 60

    static let invalidLink = APIError(status: .unprocessableEntity, code: "reset_link_invalid")

    /// Sends a link to the account at `email`, if there is one; says nothing either way.
    static func request(email rawEmail: String?, publicURL: String, now: Date, on db: any Database) async throws {
        guard let email = rawEmail.flatMap(ContactRules.email),
            let user = try await UserModel.query(on: db).filter(\.$email == email).filter(\.$isActive == true).first(),
            let userID = user.id
        else { return }
        try await db.writeTransaction { db in
            let recent = try await db.sql.select().column("id").from("password_resets").where("user_id", .equal, userID)
                .where("used_at", .is, SQLLiteral.null).where("created_at", .greaterThan, SQLBind(now.addingTimeInterval(-resendAfter)))
                .first()
            guard recent == nil else { return }
            let token = APITokens.randomHex(bytes: 32)
            try await db.sql.insert(into: "password_resets").columns("user_id", "token_digest", "created_at", "expires_at")
                .values(SQLBind(userID), SQLBind(APITokens.digest(token)), SQLBind(now), SQLBind(now.addingTimeInterval(lifetime))).run()
            try await AccountNotices.enqueue(
                .init(userID: userID, kind: .passwordReset, at: now, link: "\(publicURL)/lupa-sandi/\(token)"), on: db)
        }
    }

    /// The account a link would reset, if the link is current; nil for anything forged, used or old.
    static func account(for token: String, now: Date, on db: any Database) async throws -> Int64? {
        guard token.count == 64, token.allSatisfy(\.isHexDigit) else { return nil }
        return try await db.sql.select().column("user_id").from("password_resets")
            .where("token_digest", .equal, APITokens.digest(token)).where("used_at", .is, SQLLiteral.null)
            .where("expires_at", .greaterThan, SQLBind(now)).first(decodingColumn: "user_id", as: Int64.self)
    }

    /// Sets the new password through a link, spending it and every other link of the account.
    static func complete(token: String, password: String?, bcryptCost: Int, now: Date, on db: any Database) async throws -> Int64 {
        guard let userID = try await account(for: token, now: now, on: db),
            let user = try await UserModel.find(userID, on: db), user.isActive
        else { throw invalidLink }
        var check = FieldChecker()
        for error in PasswordRules.check(password, email: user.email) { check.add(error.field, error.code, limit: error.limit) }
        try check.finish()
        let hash = try Bcrypt.hash(password!, cost: bcryptCost)
        try await db.writeTransaction { db in
            // Spent first, conditionally: two posts of the same link cannot both set a password.
            let spent =
                try await db.sql.update("password_resets").set("used_at", to: SQLBind(now))
                .where("token_digest", .equal, APITokens.digest(token)).where("used_at", .is, SQLLiteral.null)
                .returning("id").first() != nil
            guard spent else { throw invalidLink }
            try await db.sql.update("password_resets").set("used_at", to: SQLBind(now)).where("user_id", .equal, userID)
                .where("used_at", .is, SQLLiteral.null).run()
            try await db.sql.update("users").set("password_hash", to: SQLBind(hash)).where("id", .equal, userID).run()
            try await AccountService.endEverySignIn(of: userID, now: now, on: db)
            try await SignInGuard.succeeded(userID, on: db)
            try await AccountNotices.enqueue(.init(userID: userID, kind: .passwordChanged, at: now), on: db)
        }
        return userID
    }
}
