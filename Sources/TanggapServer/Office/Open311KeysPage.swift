import Foundation
import TanggapCore
import Vapor

/// The Open311 apps on `/kelola/admin`, for national admins: each app with its key's state, when it was last used
/// and how many reports it filed; a key issued here is shown once, on the page that answers the form.
enum Open311KeysPage {
    static func register(_ pages: any RoutesBuilder) {
        pages.post("kelola", "admin", "open311", use: add)
        pages.post("kelola", "admin", "open311", ":app_id", "cabut", use: revoke)
    }

    struct App: Encodable {
        let id: Int64
        let name: String
        let detail: String
        let isRevoked: Bool
    }

    static func apps(on req: Request) async throws -> [App] {
        try await Open311Keys.all(on: req.db).map { client in
            let state =
                client.revoked_at.map { req.text("admin.open311_revoked", ["at": DisplayFormat.dateTime($0, req)]) }
                ?? req.text("admin.open311_active")
            let used =
                client.last_used_at.map { req.text("admin.open311_used", ["at": DisplayFormat.dateTime($0, req)]) }
                ?? req.text("admin.open311_never_used")
            return App(
                id: client.id, name: client.name,
                detail: [state, used, req.text("admin.open311_filed", ["count": String(client.reports_filed)])].joined(separator: " · "),
                isRevoked: client.isRevoked)
        }
    }

    /// One line per body's Open311 system: where, what waits, what is followed, what was refused, the last word.
    static func endpoints(on req: Request) async throws -> [AdministrationController.Line] {
        try await Open311Endpoints.health(on: req.db).map { endpoint in
            var health = [
                req.text(
                    "admin.open311_endpoint_queue",
                    ["queued": String(endpoint.queued), "followed": String(endpoint.followed), "failed": String(endpoint.failed)])
            ]
            if let at = endpoint.last_success_at {
                health.append(req.text("admin.open311_endpoint_success", ["at": DisplayFormat.dateTime(at, req)]))
            }
            if let error = endpoint.last_error, let at = endpoint.last_error_at {
                health.append(req.text("admin.open311_endpoint_error", ["at": DisplayFormat.dateTime(at, req), "error": error]))
            }
            return .init(title: "\(endpoint.institution) · \(endpoint.base_url)", detail: health.joined(separator: " · "))
        }
    }

    struct NewApp: Content {
        var name: String?
    }

    /// A new app's key, shown on the page this form answers with and nowhere else (never in a link or a log).
    @Sendable static func add(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let (user, institution) = try await nationalAdmin(req) else { return req.seeOther("/masuk?next=/kelola/admin") }
        let input = try req.content.decode(NewApp.self)
        return try await req.handlingForm {
            let (client, key) = try await Open311Keys.issue(name: input.name ?? "", by: user.id, now: req.now, on: req.db)
            let notice = req.text("admin.open311_issued", ["name": client.name, "key": key])
            let page = try await AdministrationController.build(user, institution, notice: notice, on: req)
            let response = try await req.renderPage("kelola/admin", page, status: .created)
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        } refused: { feedback, status in
            try await req.renderPage(
                "kelola/admin", try await AdministrationController.build(user, institution, feedback: feedback, on: req), status: status)
        }
    }

    @Sendable static func revoke(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let (user, institution) = try await nationalAdmin(req) else { return req.seeOther("/masuk?next=/kelola/admin") }
        guard let id = req.parameters.get("app_id", as: Int64.self) else { throw APIError.notFound }
        _ = try await Open311Keys.revoke(id: id, by: user.id, now: req.now, on: req.db)
        return req.seeOther("/kelola/admin?instansi=\(institution.id)&selesai=open311_revoked")
    }

    /// Only a national admin hands out keys: an app files into the whole deployment.
    private static func nationalAdmin(_ req: Request) async throws -> (SignedInUser, Institution)? {
        guard let (user, institution) = try await req.managedInstitution() else { return nil }
        guard user.grants.contains(where: { $0.role == .nationalAdmin }) else { throw APIError.forbidden }
        return (user, institution)
    }
}
