import Foundation
import Vapor

/// `/akun/sesi`: where a person sees every browser and program signed in to their account, when each was last used,
/// and ends any of them — one, or every session but this browser's.
enum SignInsPageController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("akun", "sesi", use: page)
        pages.post("akun", "sesi", ":id", "akhiri", use: endSession)
        pages.post("akun", "sesi", "akhiri-lainnya", use: endOtherSessions)
        pages.post("akun", "token", ":id", "cabut", use: revokeToken)
    }

    static let path = "/akun/sesi"

    struct Line: Encodable {
        let id: Int64
        let name: String
        let since: String
        let lastUsed: String
        let expires: String?
        let current: Bool
    }

    struct Page: Encodable {
        let sessions: [Line]
        let tokens: [Line]?
        let hasOtherSessions: Bool
        let notice: String?
    }

    @Sendable static func page(_ req: Request) async throws -> Response {
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=\(path)") }
        let listing = try await SignIns.list(
            of: user.id, currentSession: req.storage[WebSessions.CurrentSession.self], currentToken: nil, now: req.now, on: req.db)
        let sessions = listing.sessions.map {
            Line(
                id: $0.id, name: $0.device, since: DisplayFormat.dateTime($0.createdAt, req),
                lastUsed: DisplayFormat.dateTime($0.lastUsedAt, req), expires: nil, current: $0.current)
        }
        let tokens = listing.tokens.map {
            Line(
                id: $0.id, name: $0.label ?? "–", since: DisplayFormat.dateTime($0.createdAt, req),
                lastUsed: $0.lastUsedAt.map { DisplayFormat.dateTime($0, req) } ?? req.text("sessions.never_used"),
                expires: DisplayFormat.dateTime($0.expiresAt, req), current: false)
        }
        let notice = (try? req.query.get(String.self, at: "selesai")).flatMap { done in
            ["session", "others", "token"].contains(done) ? req.text("sessions.done.\(done)") : nil
        }
        return try await req.renderPage(
            "portal/sesi",
            Page(sessions: sessions, tokens: tokens.nilIfEmpty, hasOtherSessions: sessions.contains { !$0.current }, notice: notice))
    }

    @Sendable static func endSession(_ req: Request) async throws -> Response {
        try await acting(req) { user in
            guard let id = Int64(try req.routeParameter("id")), try await SignIns.endSession(id, of: user.id, on: req.db) else {
                throw APIError.notFound
            }
            return "session"
        }
    }

    @Sendable static func endOtherSessions(_ req: Request) async throws -> Response {
        try await acting(req) { user in
            try await SignIns.endOtherSessions(of: user.id, keeping: req.storage[WebSessions.CurrentSession.self], on: req.db)
            return "others"
        }
    }

    @Sendable static func revokeToken(_ req: Request) async throws -> Response {
        try await acting(req) { user in
            guard let id = Int64(try req.routeParameter("id")), try await SignIns.revokeToken(id, of: user.id, now: req.now, on: req.db)
            else { throw APIError.notFound }
            return "token"
        }
    }

    /// A signed-in person's form post: checked, done, and answered with the list again and what was done.
    private static func acting(_ req: Request, _ work: (SignedInUser) async throws -> String) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=\(path)") }
        let done = try await work(user)
        return req.seeOther("\(path)?selesai=\(done)")
    }
}
