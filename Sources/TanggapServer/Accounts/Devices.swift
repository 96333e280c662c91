import Fluent
import Foundation
import SQLKit
import Vapor

/// The browsers and programs each person has signed in from. A browser is known by a random cookie of its own
/// (`tanggap_device`, HttpOnly, kept two years), a program by the name its token was made under; only digests are
/// stored. A sign-in from one not seen before is told to the owner by e-mail, except the account's very first, which
/// has nothing to compare with.
enum Devices {
    static let cookieName = "tanggap_device"
    static let cookieLifetime = 2 * 365 * 86_400

    /// Remembers the browser behind a full web sign-in (setting its cookie if it has none) and answers its name.
    @discardableResult
    static func recogniseBrowser(of userID: Int64, on req: Request, response: Response) async throws -> String {
        let token: String
        if let existing = req.cookies[cookieName]?.string, existing.count == 64, existing.allSatisfy(\.isHexDigit) {
            token = existing
        } else {
            token = APITokens.randomHex(bytes: 32)
        }
        response.cookies[cookieName] = HTTPCookies.Value(
            string: token, maxAge: cookieLifetime, path: "/", isSecure: req.tanggap.settings.secureCookies, isHTTPOnly: true,
            sameSite: .lax)
        let name = DeviceName.of(userAgent: req.headers.first(name: .userAgent))
        try await remember(userID, digest: APITokens.digest("browser:" + token), name: name, now: req.now, on: req.db)
        return name
    }

    /// Remembers the program a token is made for, by its label (or, without one, its User-Agent).
    static func recogniseProgram(of userID: Int64, label: String?, on req: Request) async throws {
        let name = label?.isEmpty == false ? label! : DeviceName.of(userAgent: req.headers.first(name: .userAgent))
        try await remember(userID, digest: APITokens.digest("program:" + name), name: "API: " + name, now: req.now, on: req.db)
    }

    private static func remember(_ userID: Int64, digest: String, name: String, now: Date, on db: any Database) async throws {
        try await db.writeTransaction { db in
            let isNew =
                try await db.sql.insert(into: "known_devices")
                .columns("user_id", "device_digest", "label", "first_seen_at", "last_seen_at")
                .values(SQLBind(userID), SQLBind(digest), SQLBind(name), SQLBind(now), SQLBind(now))
                .ignoringConflicts(with: ["user_id", "device_digest"]).returning("id").first() != nil
            guard isNew else {
                try await db.sql.update("known_devices").set("last_seen_at", to: SQLBind(now))
                    .where("user_id", .equal, userID).where("device_digest", .equal, digest).run()
                return
            }
            let known =
                try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("known_devices")
                .where("user_id", .equal, userID).first(decodingColumn: "n", as: Int.self) ?? 0
            if known > 1 {
                try await AccountNotices.enqueue(.init(userID: userID, kind: .newDevice, at: now, device: name), on: db)
            }
        }
    }
}
