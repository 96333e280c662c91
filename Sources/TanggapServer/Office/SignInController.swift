import Foundation
import Vapor

/// `/masuk` and `/keluar`: signing in to the back office (and to a citizen's own pages) with a session cookie.
/// A person with a second factor gives the password at `/masuk`, then the code at `/masuk/kode`.
enum SignInController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("masuk", use: form)
        pages.post("masuk", use: signIn)
        pages.get("masuk", "kode", use: codeForm)
        pages.post("masuk", "kode", use: checkCode)
        pages.post("keluar", use: signOut)
    }

    struct Form: Encodable {
        var email = ""
        var error: String?
        var next = "/kelola"
        /// Just after a new password was set through a link.
        var newPassword = false
    }

    @Sendable static func form(_ req: Request) async throws -> Response {
        if req.signedInUser != nil { return req.seeOther("/kelola") }
        let next = localPath(try? req.query.get(String.self, at: "next"), otherwise: "/kelola")
        let newPassword = (try? req.query.get(String.self, at: "sandi")) == "baru"
        return try await req.renderPage("kelola/masuk", Form(next: next, newPassword: newPassword))
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
            try await req.enforceRateLimit(.signIn)
            let user = try await AccountService.authenticate(
                email: input.email, password: input.password, bcryptCost: req.tanggap.settings.bcryptCost, now: req.now, on: req.db)
            if user.hasSecondFactor {
                let response = req.seeOther("/masuk/kode?next=\(queryValue(next))")
                try await WebSessions.signIn(user, awaitingCode: true, on: req, response: response)
                return response
            }
            let response = req.seeOther(next)
            try await WebSessions.signIn(user, on: req, response: response)
            return response
        } catch let error as APIError {
            return try await refused(error, email: input.email, next: next, on: req)
        }
    }

    private static func refused(_ error: APIError, email: String?, next: String, on req: Request) async throws -> Response {
        let form = Form(email: String((email ?? "").prefix(254)), error: req.text("error.\(error.code)"), next: next)
        return try await req.renderRefusal("kelola/masuk", form, for: error)
    }

    struct CodeForm: Encodable {
        var error: String?
        var next: String
    }

    @Sendable static func codeForm(_ req: Request) async throws -> Response {
        let next = localPath(try? req.query.get(String.self, at: "next"), otherwise: "/kelola")
        guard try await WebSessions.awaitingCode(for: req) != nil else { return req.seeOther("/masuk?next=\(queryValue(next))") }
        return try await req.renderPage("kelola/masuk-kode", CodeForm(next: next))
    }

    struct SubmittedCode: Content {
        var code: String?
        var next: String?
    }

    /// The second step: the right code turns the waiting session into a full one; five wrong ones end it.
    @Sendable static func checkCode(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let input = try req.content.decode(SubmittedCode.self)
        let next = localPath(input.next, otherwise: "/kelola")
        guard let user = try await WebSessions.awaitingCode(for: req) else { return req.seeOther("/masuk?next=\(queryValue(next))") }
        do {
            try await req.enforceRateLimit(.signIn)
            try await SignInGuard.refuseWhileWaiting(user.id, now: req.now, on: req.db)
            if try await SecondFactors.verify(user.id, code: input.code, now: req.now, on: req.db) {
                try await SignInGuard.succeeded(user.id, on: req.db)
                let response = req.seeOther(next)
                try await WebSessions.signIn(user, on: req, response: response)
                return response
            }
            // A wrong code counts against the account as a wrong password does, and against this waiting sign-in.
            let wait = try await SignInGuard.failed(user.id, now: req.now, on: req.db)
            if try await WebSessions.countWrongCode(on: req) {
                if let wait { throw wait }
                let form = CodeForm(error: req.text("error.invalid_second_factor"), next: next)
                return try await req.renderPage("kelola/masuk-kode", form, status: .unauthorized)
            }
            let response = try await refused(.tooManyWrongCodes, email: user.email, next: next, on: req)
            try await WebSessions.signOut(on: req, response: response)
            return response
        } catch let error as APIError {
            let form = CodeForm(error: req.text("error.\(error.code)"), next: next)
            return try await req.renderRefusal("kelola/masuk-kode", form, for: error)
        }
    }

    /// A local path made safe to carry in a query string.
    private static func queryValue(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "/-._~")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/kelola"
    }

    @Sendable static func signOut(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let response = req.seeOther("/")
        try await WebSessions.signOut(on: req, response: response)
        return response
    }
}
