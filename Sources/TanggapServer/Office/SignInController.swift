import Foundation
import Vapor

/// `/masuk` and `/keluar`: signing in to the back office (and to a citizen's own pages) with a session cookie.
enum SignInController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("masuk", use: form)
        pages.post("masuk", use: signIn)
        pages.post("keluar", use: signOut)
    }

    struct Form: Encodable {
        var email = ""
        var error: String?
        var next = "/kelola"
    }

    @Sendable static func form(_ req: Request) async throws -> Response {
        if req.signedInUser != nil { return req.seeOther("/kelola") }
        let next = localPath(try? req.query.get(String.self, at: "next"), otherwise: "/kelola")
        return try await req.renderPage("kelola/masuk", Form(next: next))
    }

    struct Submitted: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    @Sendable static func signIn(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let input = try req.content.decode(Submitted.self)
        let next = localPath(input.next, otherwise: "/kelola")
        do {
            try req.enforceRateLimit(.signIn)
            let user = try await AccountService.authenticate(
                email: input.email, password: input.password, bcryptCost: req.tanggap.settings.bcryptCost, now: req.now, on: req.db)
            let response = req.seeOther(next)
            try await WebSessions.signIn(user, on: req, response: response)
            return response
        } catch let error as APIError {
            let message = req.tanggap.localizer.text("error.\(error.code)", req.language)
            let form = Form(email: String((input.email ?? "").prefix(254)), error: message, next: next)
            let response = try await req.renderPage("kelola/masuk", form, status: error.status)
            for (name, value) in error.headers { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        }
    }

    @Sendable static func signOut(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let response = req.seeOther("/")
        try await WebSessions.signOut(on: req, response: response)
        return response
    }
}
