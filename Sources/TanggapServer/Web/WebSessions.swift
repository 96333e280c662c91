import Fluent
import Foundation
import SQLKit
import Vapor

/// Sign-in for the web pages: a random token in an HttpOnly, SameSite cookie, its digest in `web_sessions`.
/// Signing in always issues a new token (no session fixation); signing out deletes it. A person with a second
/// factor first gets a session that still awaits the code: it signs nobody in, lasts ten minutes and survives five
/// wrong codes; the right code replaces it with a full session under a new token.
enum WebSessions {
    static let cookieName = "tanggap_session"
    static let lifetime: TimeInterval = 7 * 86_400
    static let codeLifetime: TimeInterval = 10 * 60
    static let wrongCodesAllowed = 5

    static func signIn(_ user: SignedInUser, awaitingCode: Bool = false, on req: Request, response: Response) async throws {
        if let old = req.cookies[cookieName]?.string { try await delete(token: old, on: req.db) }
        // Only a whole sign-in is a device's: a password without its code has signed nobody in.
        let device =
            awaitingCode
            ? DeviceName.of(userAgent: req.headers.first(name: .userAgent))
            : try await Devices.recogniseBrowser(of: user.id, on: req, response: response)
        let token = APITokens.randomHex(bytes: 32)
        try await req.db.sql.insert(into: "web_sessions")
            .columns("token_digest", "user_id", "created_at", "expires_at", "awaiting_code", "device", "last_seen_at")
            .values(
                SQLBind(APITokens.digest(token)), SQLBind(user.id), SQLBind(req.now),
                SQLBind(req.now.addingTimeInterval(awaitingCode ? codeLifetime : lifetime)), SQLBind(awaitingCode),
                SQLBind(device), SQLBind(req.now)
            )
            .run()
        response.cookies[cookieName] = cookie(token, on: req)
        // A new session gets a new form token too.
        response.cookies[CSRF.cookieName] = CSRF.cookie(APITokens.randomHex(bytes: 32), on: req)
    }

    static func signOut(on req: Request, response: Response) async throws {
        if let token = req.cookies[cookieName]?.string { try await delete(token: token, on: req.db) }
        response.cookies[cookieName] = .expired
    }

    /// The user behind the request's session cookie, if it is current and owes no code. Its last use is recorded at
    /// most once a minute, for the person's list of sessions: a busy browser should not turn every read into a write.
    static func user(for req: Request) async throws -> SignedInUser? {
        guard let session = try await session(for: req), !session.awaiting_code else { return nil }
        if session.last_seen_at.map({ req.now.timeIntervalSince($0) > 60 }) ?? true {
            try await req.db.sql.update("web_sessions").set("last_seen_at", to: SQLBind(req.now)).where("id", .equal, session.id).run()
        }
        req.storage[CurrentSession.self] = session.id
        return try await AccountService.signedInUser(id: session.user_id, on: req.db)
    }

    /// The id of the session a page request came with, for "this browser" in the list of sessions.
    struct CurrentSession: StorageKey { typealias Value = Int64 }

    /// The person whose password was right and whose code is still awaited on this browser.
    static func awaitingCode(for req: Request) async throws -> SignedInUser? {
        guard let session = try await session(for: req), session.awaiting_code else { return nil }
        return try await AccountService.signedInUser(id: session.user_id, on: req.db)
    }

    /// Counts a wrong code against the waiting session and answers whether the person may still try; past the
    /// allowance the caller ends the session and the person starts again from the password.
    static func countWrongCode(on req: Request) async throws -> Bool {
        guard let token = req.cookies[cookieName]?.string else { return false }
        let digest = APITokens.digest(token)
        let wrong = try await req.db.sql.raw(
            "UPDATE web_sessions SET wrong_codes = wrong_codes + 1 WHERE token_digest = \(bind: digest) RETURNING wrong_codes"
        ).first(decodingColumn: "wrong_codes", as: Int.self)
        return (wrong ?? wrongCodesAllowed) < wrongCodesAllowed
    }

    private struct Session: Decodable {
        let id: Int64
        let user_id: Int64
        let expires_at: Date
        let awaiting_code: Bool
        let last_seen_at: Date?
    }

    private static func session(for req: Request) async throws -> Session? {
        guard let token = req.cookies[cookieName]?.string, token.count == 64, token.allSatisfy(\.isHexDigit) else { return nil }
        guard
            let row = try await req.db.sql.select().columns("id", "user_id", "expires_at", "awaiting_code", "last_seen_at").from(
                "web_sessions"
            )
            .where("token_digest", .equal, APITokens.digest(token)).first(decoding: Session.self),
            row.expires_at > req.now
        else { return nil }
        return row
    }

    private static func delete(token: String, on db: any Database) async throws {
        try await db.sql.delete(from: "web_sessions").where("token_digest", .equal, APITokens.digest(token)).run()
    }

    private static func cookie(_ value: String, on req: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: value, maxAge: Int(lifetime), path: "/",
            isSecure: req.tanggap.settings.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }
}

/// Signs in page requests from the session cookie. The JSON API never reads it.
struct WebSessionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let user = try await WebSessions.user(for: request) { request.auth.login(user) }
        return try await next.respond(to: request)
    }
}
