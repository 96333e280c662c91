import Fluent
import Foundation
import TanggapCore
import Vapor

/// Support, comments and flags on published reports (account required), and the moderators' queue of
/// comments the public has flagged.
enum ParticipationController {
    static func register(_ pages: any RoutesBuilder) {
        pages.post("laporan", ":tracking_id", "dukung", use: support)
        pages.post("laporan", ":tracking_id", "komentar", use: comment)
        pages.post("komentar", ":comment_id", "laporkan", use: flag)
        pages.get("kelola", "komentar", use: queue)
        pages.post("kelola", "komentar", ":comment_id", ":decision", use: moderate)
    }

    /// A published report and the signed-in account acting on it; otherwise to the sign-in page.
    private static func publishedReport(_ req: Request) async throws -> (ViewedReport, SignedInUser)? {
        try CSRF.verify(req)
        let viewed = try await ReportViewer.loadInBrowser(req)
        guard viewed.report.isPublic else { throw APIError.reportNotFound }
        guard let user = req.signedInUser else { return nil }
        try await req.enforceRateLimit(.participation)
        return (viewed, user)
    }

    private static func reportLink(_ viewed: ViewedReport) -> String {
        "/laporan/\(viewed.report.trackingID.display)"
    }

    @Sendable static func support(_ req: Request) async throws -> Response {
        guard let acting = try await publishedReport(req) else { return req.seeOther("/masuk") }
        let (viewed, user) = acting
        let withdraw = (try? req.content.get(String.self, at: "withdraw")) != nil
        try await Participation.support(viewed.report.id!, by: user.id, withdraw: withdraw, now: req.now, on: req.db)
        return req.seeOther(reportLink(viewed) + "#dukungan")
    }

    @Sendable static func comment(_ req: Request) async throws -> Response {
        guard let acting = try await publishedReport(req) else { return req.seeOther("/masuk") }
        let (viewed, user) = acting
        let text = try? req.content.get(String.self, at: "comment")
        return try await req.handlingForm {
            try await Participation.addComment(text, to: viewed.report.id!, by: user.id, now: req.now, on: req.db)
            return req.seeOther(reportLink(viewed) + "#komentar")
        } refused: { feedback, status in
            let page = try await ReportPage.build(viewed, feedback: feedback, typed: .init(comment: text ?? ""), on: req)
            return try await req.renderPage("portal/laporan", page, status: status)
        }
    }

    @Sendable static func flag(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.signedInUser else { return req.seeOther("/masuk") }
        // Flags are limited per account as well as per address, so one person cannot work through many comments.
        try await req.enforceRateLimit(.flag)
        try await req.enforceRateLimit(.flagByAccount, key: String(user.id))
        guard let commentID = req.parameters.get("comment_id", as: Int64.self),
            let reportID = try await Participation.flag(commentID, by: user.id, now: req.now, on: req.db),
            let report = try await ReportModel.find(reportID, on: req.db), report.isPublic
        else { throw APIError.notFound }
        return req.seeOther("/laporan/\(report.trackingID.display)?dilaporkan=1#komentar")
    }

    struct Queue: Encodable {
        struct Item: Encodable {
            let id: String
            let trackingID: String
            let author: String
            let body: String
            let flags: Int
            let at: String
        }
        let items: [Item]?
    }

    /// The flagged comments this moderator may judge.
    private static func moderatable(_ user: SignedInUser, on req: Request) async throws -> [Participation.HiddenComment] {
        try await Participation.hiddenComments(on: req.db).filter { comment in
            InstitutionPath(encoded: comment.holder_path).map { CommentModeration.mayModerate(user.actor, reportHolder: $0) } ?? false
        }
    }

    @Sendable static func queue(_ req: Request) async throws -> Response {
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=/kelola/komentar") }
        guard user.grants.contains(where: { $0.role == .nationalAdmin || $0.role == .institutionAdmin }) else { throw APIError.forbidden }
        let items = try await moderatable(user, on: req).map { comment in
            Queue.Item(
                id: String(comment.id), trackingID: TrackingID(parsing: comment.tracking_id)?.display ?? comment.tracking_id,
                author: comment.shownAuthor ?? req.text("actor.reporter"), body: comment.body, flags: comment.flag_count,
                at: DisplayFormat.dateTime(comment.created_at, req))
        }
        return try await req.renderPage("kelola/komentar", Queue(items: items.nilIfEmpty))
    }

    @Sendable static func moderate(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=/kelola/komentar") }
        guard let commentID = req.parameters.get("comment_id", as: Int64.self),
            let decision = CommentModeration.Decision(rawValue: try req.routeParameter("decision"))
        else { throw APIError.notFound }
        guard let comment = try await moderatable(user, on: req).first(where: { $0.id == commentID }) else { throw APIError.forbidden }
        try await Participation.moderate(comment, decision, by: user.id, now: req.now, on: req.db)
        return req.seeOther("/kelola/komentar")
    }
}
