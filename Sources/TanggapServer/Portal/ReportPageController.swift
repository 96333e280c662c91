import Foundation
import TanggapCore
import Vapor

/// `/lacak` and `/laporan/{tracking id}`: finding a report, reading it, and the reporter's reply, confirmation
/// and rating. The reporter is known by an account or by the secret this browser proved.
enum ReportPageController {
    static func register(_ pages: any RoutesBuilder, attachmentLimit: Int) {
        pages.get("lacak", use: trackForm)
        pages.post("lacak", use: track)
        pages.get("laporan", ":tracking_id", use: show)
        pages.get("laporan", ":tracking_id", "lampiran", ":attachment_id", use: attachment)
        pages.postWithAttachments("laporan", ":tracking_id", "tindakan", ":action", upTo: attachmentLimit, use: act)
    }

    struct TrackForm: Encodable {
        var trackingID = ""
        var error: String?
    }

    @Sendable static func trackForm(_ req: Request) async throws -> Response {
        let id = (try? req.query.get(String.self, at: "id")).map { String($0.prefix(20)) } ?? ""
        return try await req.renderPage("portal/lacak", TrackForm(trackingID: id))
    }

    struct TrackInput: Content {
        var tracking_id: String?
        var secret: String?
    }

    /// A tracking ID (and, for a report without an account, its secret) opens the report. An unknown ID, a
    /// report the visitor may not see and a wrong secret all get the same answer.
    @Sendable static func track(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let input = try req.content.decode(TrackInput.self)
        let typedID = String((input.tracking_id ?? "").prefix(40))
        do {
            try await req.enforceRateLimit(.tracking)
            guard let trackingID = TrackingID(parsing: typedID) else { throw APIError.reportNotFound }
            let secret = input.secret.flatMap { $0.trimmingCharacters(in: .whitespaces).nilIfEmpty }
            let viewed = try await ReportViewer.load(typedID, secret: secret, for: req)
            let response = req.seeOther("/laporan/\(trackingID.display)")
            if let secret, case .reporter = viewed.actor {
                ReporterPasses.remember(trackingID, secret: secret, on: req, response: response)
            }
            return response
        } catch let error as APIError {
            let form = TrackForm(trackingID: typedID, error: req.text("error.\(error.code)"))
            return try await req.renderRefusal("portal/lacak", form, for: error)
        }
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        let viewed = try await ReportViewer.loadInBrowser(req)
        return try await req.renderPage("portal/laporan", try await ReportPage.build(viewed, on: req))
    }

    @Sendable static func attachment(_ req: Request) async throws -> Response {
        try await ReportResponses.file(try req.routeParameter("attachment_id"), of: try await ReportViewer.loadInBrowser(req), for: req)
    }

    /// The reporter's actions, by their names in the page's URLs.
    static let reporterActions: [String: EventKind] = ["balas": .reply, "konfirmasi": .confirm, "nilai": .rate]

    @Sendable static func act(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let kind = reporterActions[try req.routeParameter("action")] else { throw APIError.notFound }
        let viewed = try await ReportViewer.loadInBrowser(req)
        let posted = try req.decodeBody(WithAttachments<FormFields>.self)
        guard let actor = viewed.actor, let eventActor = viewed.eventActor else {
            return req.seeOther("/lacak?id=\(viewed.report.trackingID.display)")
        }
        return try await req.handlingForm {
            try await req.enforceRateLimit(.reporterAction)
            _ = try await ReportActions.perform(
                kind, try posted.fields.decode(ActionRequest.self), uploads: posted.uploads, on: viewed.report.id!, by: actor,
                attributedTo: eventActor, channel: .web, context: req.tanggap, on: req.db)
            return req.seeOther("/laporan/\(viewed.report.trackingID.display)#riwayat")
        } refused: { feedback, status in
            let typed = ReportPage.Drafts(
                text: posted.fields["text"] ?? posted.fields["note"] ?? "", ratingComment: posted.fields["comment"] ?? "")
            let page = try await ReportPage.build(viewed, feedback: feedback, typed: typed, on: req)
            return try await req.renderPage("portal/laporan", page, status: status)
        }
    }
}
