import Foundation
import Vapor

/// `/lupa-sandi`: asking for a link to set a new password, and setting it through the link (see `PasswordResets`).
enum PasswordResetController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("lupa-sandi", use: requestForm)
        pages.post("lupa-sandi", use: request)
        pages.get("lupa-sandi", ":token", use: newPasswordForm)
        pages.post("lupa-sandi", ":token", use: setPassword)
    }

    struct RequestPage: Encodable {
        /// Without a mail server no link can be sent: the page says so instead of pretending.
        let available: Bool
        let sent: Bool
        let email: String
        let feedback: FormFeedback
    }

    @Sendable static func requestForm(_ req: Request) async throws -> Response {
        try await req.renderPage(
            "portal/lupa-sandi", RequestPage(available: req.tanggap.mailer != nil, sent: false, email: "", feedback: .none))
    }

    struct Asked: Content {
        var email: String?
    }

    @Sendable static func request(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let input = try req.content.decode(Asked.self)
        let email = String((input.email ?? "").prefix(254))
        return try await req.handlingForm {
            try await req.enforceRateLimit(.signIn)
            guard req.tanggap.mailer != nil else { throw APIError.notFound }
            try await PasswordResets.request(email: input.email, publicURL: req.tanggap.settings.publicURL, now: req.now, on: req.db)
            // The same answer for every address: the page tells nobody who has an account.
            return try await req.renderPage("portal/lupa-sandi", RequestPage(available: true, sent: true, email: email, feedback: .none))
        } refused: { feedback, status in
            try await req.renderPage(
                "portal/lupa-sandi", RequestPage(available: req.tanggap.mailer != nil, sent: false, email: email, feedback: feedback),
                status: status)
        }
    }

    struct NewPasswordPage: Encodable {
        let token: String?
        let feedback: FormFeedback
    }

    @Sendable static func newPasswordForm(_ req: Request) async throws -> Response {
        let token = try req.routeParameter("token")
        guard try await PasswordResets.account(for: token, now: req.now, on: req.db) != nil else {
            return try await invalid(req)
        }
        return try await req.renderPage("portal/sandi-baru", NewPasswordPage(token: token, feedback: .none))
    }

    struct NewPassword: Content {
        var password: String?
    }

    @Sendable static func setPassword(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let token = try req.routeParameter("token")
        let input = try req.content.decode(NewPassword.self)
        guard try await PasswordResets.account(for: token, now: req.now, on: req.db) != nil else { return try await invalid(req) }
        return try await req.handlingForm {
            try await req.enforceRateLimit(.signIn)
            _ = try await PasswordResets.complete(
                token: token, password: input.password, bcryptCost: req.tanggap.settings.bcryptCost, now: req.now, on: req.db)
            let response = req.seeOther("/masuk?sandi=baru")
            // Whoever was signed in on this browser is signed out with every other session.
            response.cookies[WebSessions.cookieName] = .expired
            return response
        } refused: { feedback, status in
            try await req.renderPage("portal/sandi-baru", NewPasswordPage(token: token, feedback: feedback), status: status)
        }
    }

    /// A link that is forged, used or older than an hour: say so, and offer a new one.
    private static func invalid(_ req: Request) async throws -> Response {
        try await req.renderPage("portal/sandi-baru", NewPasswordPage(token: nil, feedback: .none), status: .unprocessableEntity)
    }
}
