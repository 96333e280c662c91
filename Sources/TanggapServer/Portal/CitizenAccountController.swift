import Foundation
import TanggapCore
import Vapor

/// A citizen's own account: registering, "my reports", and changing the password. Signing in and out is
/// `SignInController`'s, shared with staff.
enum CitizenAccountController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("daftar", use: registrationForm)
        pages.post("daftar", use: register)
        pages.get("laporan-saya", use: myReports)
        pages.get("akun", use: accountForm)
        pages.post("akun", "sandi", use: changePassword)
    }

    /// The same fields as an account made through the API.
    typealias Registration = NewAccountBody

    struct RegistrationForm: Encodable {
        var values: Registration
        var feedback: FormFeedback
    }

    @Sendable static func registrationForm(_ req: Request) async throws -> Response {
        if req.signedInUser != nil { return req.seeOther("/laporan-saya") }
        return try await req.renderPage("portal/daftar", RegistrationForm(values: Registration(), feedback: .none))
    }

    @Sendable static func register(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let input = try req.content.decode(Registration.self)
        return try await req.handlingForm {
            try await req.enforceRateLimit(.signIn)
            let user = try await AccountService.create(
                .init(name: input.name, email: input.email, password: input.password, phone: input.phone),
                bcryptCost: req.tanggap.settings.bcryptCost, now: req.now, on: req.db)
            let response = req.seeOther("/laporan-saya")
            try await WebSessions.signIn(user, on: req, response: response)
            return response
        } refused: { feedback, status in
            var kept = input
            kept.password = nil
            return try await req.renderPage("portal/daftar", RegistrationForm(values: kept, feedback: feedback), status: status)
        }
    }

    struct MyReports: Encodable {
        let name: String
        let items: [ReportSummary]?
        let nextLink: String?
    }

    @Sendable static func myReports(_ req: Request) async throws -> Response {
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=/laporan-saya") }
        var filter = ReportFilter()
        filter.reporterUserID = user.id
        var page = PageRequest()
        page.after = (try? req.query.get(Int64.self, at: "sesudah"))
        let (reports, more) = try await ReportQueries.list(
            filter, scope: VisibilityPolicy.listScope(for: .user(user.actor)), page: page, now: req.now, on: req.db)
        let items = try await ReportSummary.list(reports, on: req)
        let next = more ? reports.last?.id.map { "/laporan-saya?sesudah=\($0)" } : nil
        return try await req.renderPage("portal/laporan-saya", MyReports(name: user.name, items: items.nilIfEmpty, nextLink: next))
    }

    struct AccountPage: Encodable {
        let name: String
        let email: String
        let feedback: FormFeedback
        let changed: Bool
    }

    @Sendable static func accountForm(_ req: Request) async throws -> Response {
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=/akun") }
        let changed = (try? req.query.get(String.self, at: "diubah")) != nil
        return try await req.renderPage("portal/akun", AccountPage(name: user.name, email: user.email, feedback: .none, changed: changed))
    }

    struct PasswordChange: Content {
        var current_password: String?
        var password: String?
    }

    @Sendable static func changePassword(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=/akun") }
        let input = try req.content.decode(PasswordChange.self)
        return try await req.handlingForm {
            try await req.enforceRateLimit(.signIn)
            try await AccountService.changePassword(
                of: user.id, current: input.current_password, new: input.password, bcryptCost: req.tanggap.settings.bcryptCost,
                now: req.now, on: req.db)
            // Every session ended with the old password; this browser gets a new one.
            let response = req.seeOther("/akun?diubah=1")
            try await WebSessions.signIn(user, on: req, response: response)
            return response
        } refused: { feedback, status in
            try await req.renderPage(
                "portal/akun", AccountPage(name: user.name, email: user.email, feedback: feedback, changed: false), status: status)
        }
    }
}
