import Foundation
import TanggapCore
import Vapor

/// `/akun/data`: a person's rights over their data (UU 27/2022) in one place — download all of it as one ZIP, or
/// erase the account. The JSON API has the same: `GET /api/v1/me/export` and `DELETE /api/v1/me`.
enum PersonalDataController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("akun", "data", use: page)
        pages.get("akun", "data", "unduh", use: download)
        pages.post("akun", "hapus", use: erase)
        pages.get("akun", "dihapus", use: erased)
    }

    static let path = "/akun/data"

    struct Page: Encodable {
        /// Staff cannot erase their account (`AdministrationPolicy.mayEraseOwnAccount`): the page says why instead.
        let isStaff: Bool
        let feedback: FormFeedback

        init(_ user: SignedInUser, feedback: FormFeedback) {
            isStaff = !AdministrationPolicy.mayEraseOwnAccount(user.grants)
            self.feedback = feedback
        }
    }

    @Sendable static func page(_ req: Request) async throws -> Response {
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=\(path)") }
        return try await req.renderPage("portal/data", Page(user, feedback: .none))
    }

    @Sendable static func download(_ req: Request) async throws -> Response {
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=\(path)") }
        return try await zipResponse(for: user, on: req)
    }

    /// The archive as a download that no cache keeps.
    static func zipResponse(for user: SignedInUser, on req: Request) async throws -> Response {
        let data = try await PersonalDataExport.archive(for: user, on: req)
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "zip")
        let day = WorkingCalendar(timeZone: req.tanggap.settings.timeZone).localDate(of: req.now).iso
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"tanggap-data-\(day).zip\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    struct Erasure: Content {
        var password: String?
        var confirm: String?
    }

    @Sendable static func erase(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=\(path)") }
        let input = try req.content.decode(Erasure.self)
        return try await req.handlingForm {
            try await req.enforceRateLimit(.signIn)
            guard input.confirm == "on" else { throw APIError.field("confirm", .required) }
            try await AccountErasure.erase(user.id, password: input.password, now: req.now, on: req.db)
            let response = req.seeOther("/akun/dihapus")
            response.cookies[WebSessions.cookieName] = .expired
            response.cookies[Devices.cookieName] = .expired
            return response
        } refused: { feedback, status in
            try await req.renderPage("portal/data", Page(user, feedback: feedback), status: status)
        }
    }

    @Sendable static func erased(_ req: Request) async throws -> Response {
        try await req.renderPage("portal/akun-dihapus", [String: String]())
    }
}
