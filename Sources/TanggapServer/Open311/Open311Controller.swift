import Foundation
import SQLKit
import TanggapCore
import Vapor

/// `/open311/v2/`: Open311 GeoReport v2 for the apps citizens already use. Every document comes as `.json` or
/// `.xml`; anything else under the prefix is the spec's 404. Retries of a new request with the same
/// `Idempotency-Key` file once (`IdempotencyMiddleware`, as on the API).
enum Open311Controller {
    static let specification = "http://wiki.open311.org/GeoReport_v2"
    /// When this surface last changed, for the discovery document's `changeset`.
    static let changeset = "2026-12-07T00:00:00Z"

    static func register(_ app: Application) {
        let v2 = app.grouped("open311", "v2").grouped(Open311ErrorMiddleware()).grouped(IdempotencyMiddleware(keys: .header))
        v2.get(":document", use: top)
        v2.on(.POST, ":document", body: .collect(maxSize: Open311Intake.bodyLimit), use: create)
        v2.get("services", ":document", use: service)
        v2.get("requests", ":document", use: request)
        v2.get("tokens", ":document", use: token)
        for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] {
            v2.on(method, "**") { _ async throws -> Response in throw APIError.notFound }
        }
    }

    /// The document a path names, or the spec's 404 — also for a `jurisdiction_id` this endpoint does not serve.
    private static func document(_ req: Request) throws -> (name: String, format: Open311Format) {
        guard let split = Open311Format.split(try req.routeParameter("document")) else { throw APIError.notFound }
        if req.method == .GET { try Open311Jurisdiction.check(try? req.query.get(String.self, at: "jurisdiction_id"), on: req) }
        return split
    }

    @Sendable static func top(_ req: Request) async throws -> Response {
        let (name, format) = try document(req)
        switch name {
        case "discovery":
            return try format.response(discovery(on: req), root: "discovery")
        case "services":
            return try format.response(Open311List("service", try await Open311Services.list(on: req)), root: "services")
        case "requests":
            return try format.response(Open311List("request", try await Open311Requests.list(on: req)), root: "service_requests")
        case "servicerequestupdates":
            return try format.response(
                Open311List("request_update", try await Open311Requests.updates(on: req)), root: "service_request_updates")
        default:
            throw APIError.notFound
        }
    }

    @Sendable static func create(_ req: Request) async throws -> Response {
        let (name, format) = try document(req)
        guard name == "requests" else { throw APIError.notFound }
        let (submitted, _) = try await Open311Intake.submit(req)
        let trackingID = submitted.receipt.trackingID.display
        let created = Open311Document.Created(
            service_request_id: trackingID,
            service_notice: req.text(
                "open311.notice", ["id": trackingID, "link": "\(req.tanggap.settings.publicURL)/laporan/\(trackingID)"]),
            account_id: nil)
        return try format.response(Open311List("request", [created]), root: "service_requests")
    }

    @Sendable static func service(_ req: Request) async throws -> Response {
        let (code, format) = try document(req)
        guard let category = try await Open311Services.find(code: code, on: req.db) else {
            throw APIError(status: .notFound, code: "open311_service_unknown")
        }
        return try format.response(Open311Services.definition(of: category, on: req), root: "service_definition")
    }

    @Sendable static func request(_ req: Request) async throws -> Response {
        let (id, format) = try document(req)
        return try format.response(Open311List("request", try await Open311Requests.one(id, on: req)), root: "service_requests")
    }

    /// A token stands for the request it made; Tanggap answers at once, so its token is the tracking ID. Only the
    /// app that filed a request learns of it here (its key in the query), so nothing tells a stranger it exists.
    @Sendable static func token(_ req: Request) async throws -> Response {
        let (token, format) = try document(req)
        guard let key = try? req.query.get(String.self, at: "api_key"), !key.isEmpty else {
            throw APIError(status: .forbidden, code: "open311_api_key", fields: [FieldError("api_key", .required)])
        }
        guard let client = try await Open311Keys.resolve(key, now: req.now, on: req.db) else {
            throw APIError(status: .forbidden, code: "open311_api_key_invalid")
        }
        guard let trackingID = TrackingID(parsing: token),
            try await req.db.sql.raw(
                """
                SELECT r.id FROM reports r JOIN open311_requests o ON o.report_id = r.id
                WHERE r.tracking_id = \(bind: trackingID.value) AND o.client_id = \(bind: client.id)
                """
            ).first() != nil
        else { throw APIError.reportNotFound }
        let answer = Open311Document.TokenAnswer(service_request_id: trackingID.display, token: token)
        return try format.response(Open311List("request", [answer]), root: "service_requests")
    }

    private static func discovery(on req: Request) -> Open311Document.Discovery {
        let base = req.tanggap.settings.publicURL
        return .init(
            changeset: changeset, contact: req.text("open311.discovery.contact", ["link": base]),
            key_service: req.text("open311.discovery.key_service", ["link": "\(base)/kelola/admin"]),
            endpoints: Open311List(
                "endpoint",
                [
                    .init(
                        specification: specification, url: "\(base)/open311/v2", changeset: changeset, type: "production",
                        formats: Open311List("format", ["text/xml", "application/json"]))
                ]))
    }
}
