import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Applies `SignInThrottle` to one account: every wrong password or second-factor code counts against the account,
/// whichever address it came from; past the free failures the account waits, and while it waits sign-in is refused
/// before anything is checked. The owner is told by e-mail through the outbox, in the failure's own transaction.
enum SignInGuard {
    /// Refuses at once while the account waits.
    static func refuseWhileWaiting(until lockedUntil: Date?, now: Date) throws {
        guard let lockedUntil, lockedUntil > now else { return }
        throw APIError.accountLocked(retryAfter: Int(lockedUntil.timeIntervalSince(now).rounded(.up)))
    }

    /// Reads the account's wait first, for the steps that come after the password (the code at `/masuk/kode`).
    static func refuseWhileWaiting(_ userID: Int64, now: Date, on db: any Database) async throws {
        let lockedUntil = try await db.sql.select().column("locked_until").from("users").where("id", .equal, userID)
            .first(decodingColumn: "locked_until", as: Date?.self)
        try refuseWhileWaiting(until: lockedUntil ?? nil, now: now)
    }

    /// Counts a failure. Answers the refusal to give when the account must now wait, nil when it may try again.
    static func failed(_ userID: Int64, now: Date, on db: any Database) async throws -> APIError? {
        let failures = try await db.writeTransaction { db in
            let failures =
                try await db.sql.raw(
                    "UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = \(bind: userID) RETURNING failed_sign_ins"
                ).first(decodingColumn: "failed_sign_ins", as: Int.self) ?? 0
            if let wait = SignInThrottle.wait(afterFailures: failures) {
                try await db.sql.update("users").set("locked_until", to: SQLBind(now.addingTimeInterval(wait)))
                    .where("id", .equal, userID).run()
            }
            if let notice = SignInThrottle.notice(afterFailures: failures) {
                try await AccountNotices.enqueue(.init(userID: userID, kind: .init(notice), at: now), on: db)
            }
            return failures
        }
        return SignInThrottle.wait(afterFailures: failures).map { APIError.accountLocked(retryAfter: Int($0.rounded(.up))) }
    }

    /// A whole sign-in went right: the count starts again.
    static func succeeded(_ userID: Int64, on db: any Database) async throws {
        try await db.sql.update("users").set("failed_sign_ins", to: SQLBind(0)).set("locked_until", to: SQLLiteral.null)
            .where("id", .equal, userID).where("failed_sign_ins", .greaterThan, SQLBind(0)).run()
    }
}
