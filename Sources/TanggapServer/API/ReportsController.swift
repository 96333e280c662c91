import Fluent
import Foundation
import TanggapCore
import Vapor

/// `/api/v1/reports`: submit, list, read, history, files, and every action.
enum ReportsController {
    static func register(_ api: any RoutesBuilder, attachmentLimit: Int) {
        let reports = api.grouped("reports")
        reports.postWithAttachments(upTo: attachmentLimit, use: submit)
        reports.get(use: list)
        reports.get(":tracking_id", use: show)
        reports.get(":tracking_id", "events", use: events)
        reports.get(":tracking_id", "deliveries", use: deliveries)
        reports.get(":tracking_id", "suggestions", use: suggestions)
        reports.post(":tracking_id", "suggestions", "feedback", use: suggestionFeedback)
        reports.get(":tracking_id", "attachments", ":attachment_id", use: attachment)
        reports.post(":tracking_id", "identity-openings", use: openIdentity).answerNeverKept()
        reports.postWithAttachments(":tracking_id", ":action", upTo: attachmentLimit, use: act)
    }

    struct Receipt: Content {
        let trackingID: String
        let secret: String?
        let report: ReportRepresentation
    }

    @Sendable static func submit(_ req: Request) async throws -> Response {
        try await req.enforceRateLimit(.submission)
        let body = try req.decodeBody(WithAttachments<ReportSubmission>.self)
        let submitter: SubmitterIdentity = req.signedInUser.map { .user($0) } ?? .visitor
        let uploads = body.uploads
        let submitted = try await ReportIntake.submit(
            body.fields, uploads: uploads, from: submitter, defaultChannel: .api, context: req.tanggap, on: req.db)
        let receipt = submitted.receipt
        req.logger.info("report received", metadata: ["tracking_id": .string(receipt.trackingID.value)])
        let access = ReportAccess(level: .reporter, seesReporterIdentity: true)
        let viewer: Actor = req.signedInUser.map { .user($0.actor) } ?? .reporter
        // The report as just written; only its files, when it has any, are read back.
        let representation = try await ReportResponses.representation(
            submitted.report, access: access, actor: viewer, attachments: uploads.isEmpty ? [] : nil, names: submitted.names, now: req.now,
            on: req.db)
        let response = try await Receipt(trackingID: receipt.trackingID.display, secret: receipt.secret, report: representation)
            .encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/reports/\(receipt.trackingID.value)")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable static func list(_ req: Request) async throws -> Page<ReportRepresentation> {
        var query = try ReportListQuery.parse(req)
        try await query.resolveInstitution(on: req)
        let viewer: Viewer = req.signedInUser.map { .user($0.actor) } ?? .publicVisitor
        var filter = query.filter
        if query.mine {
            guard let user = req.signedInUser else { throw APIError.authenticationRequired }
            filter.reporterUserID = user.id
        }
        let (reports, more) = try await ReportQueries.list(
            filter, scope: VisibilityPolicy.listScope(for: viewer), page: query.page, now: req.now, remembering: req.tanggap.searchPlans,
            on: req.db)
        let routes = try await ReportHistory.routes(of: reports.map { $0.id! }, on: req.db)
        let names = try await NameBook.load(reports: reports, on: req.db)
        let actor: Actor? = req.signedInUser.map { .user($0.actor) }
        let items = reports.compactMap { report -> ReportRepresentation? in
            // The query already kept to the viewer's scope; the policy has the last word on every row.
            guard let access = VisibilityPolicy.access(for: viewer, to: report.privacy(route: routes[report.id!] ?? [])) else { return nil }
            return ReportPresenter.report(report, access: access, actor: actor, names: names, attachments: nil, now: req.now)
        }
        let next = more ? reports.last.map { ReportListQuery.cursor(after: $0.id!, oldestFirst: query.page.oldestFirst) } : nil
        return Page(items: items, nextCursor: next)
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        let viewed = try await ReportViewer.load(try req.routeParameter("tracking_id"), for: req)
        let representation = try await ReportResponses.representation(
            viewed.report, access: viewed.access, actor: viewed.actor, now: req.now, on: req.db)
        return try await ReportResponses.personal(representation, for: req)
    }

    @Sendable static func events(_ req: Request) async throws -> Response {
        let viewed = try await ReportViewer.load(try req.routeParameter("tracking_id"), for: req)
        let events = try await ReportHistory.events(of: viewed.report.id!, on: req.db)
        let names = try await NameBook.load(reports: [viewed.report], events: events, on: req.db)
        let files = try await ReportQueries.attachments(of: viewed.report.id!, on: req.db)
        let items = ReportPresenter.events(events, of: viewed.report, access: viewed.access, names: names, attachments: files)
        return try await ReportResponses.personal(Items(items: items), for: req)
    }

    /// The delivery log: staff of the report see what the reporter was sent and whether it arrived.
    @Sendable static func deliveries(_ req: Request) async throws -> Response {
        let viewed = try await ReportViewer.load(try req.routeParameter("tracking_id"), for: req)
        guard viewed.access.level == .staff else { throw APIError.forbidden }
        return try await ReportResponses.personal(
            Items(items: try await Deliveries.log(of: viewed.report.id!, access: viewed.access, on: req.db)), for: req)
    }

    /// Suggested categories, institutions and look-alike cases, for staff who hold the report (`ReportSuggestions`).
    @Sendable static func suggestions(_ req: Request) async throws -> Response {
        let viewed = try await ReportViewer.load(try req.routeParameter("tracking_id"), for: req)
        guard viewed.access.level == .staff else { throw APIError.forbidden }
        return try await ReportResponses.personal(try await ReportSuggestions.build(for: viewed.report, on: req), for: req)
    }

    /// What a verifier chose while suggestions were shown: recorded for the instance to see whether they help.
    @Sendable static func suggestionFeedback(_ req: Request) async throws -> Response {
        let viewed = try await ReportViewer.load(try req.routeParameter("tracking_id"), for: req)
        guard viewed.access.level == .staff else { throw APIError.forbidden }
        let (kind, suggested, chosen) = try await SuggestionFeedback.checked(
            try req.decodeBody(SuggestionFeedback.Posted.self), on: req.db)
        try await SuggestionFeedback.record(
            kind, reportID: viewed.report.id!, suggested: suggested, chosen: chosen, userID: req.signedInUser?.id, now: req.now, on: req.db)
        return Response(status: .noContent)
    }

    @Sendable static func attachment(_ req: Request) async throws -> Response {
        let viewed = try await ReportViewer.load(try req.routeParameter("tracking_id"), for: req)
        return try await ReportResponses.file(try req.routeParameter("attachment_id"), of: viewed, for: req)
    }

    struct IdentityOpeningRequest: Content {
        let reason: String?
    }

    /// Opens a sealed identity to the signed-in person for `IdentityReveal.lasts`, with a reason that is kept for
    /// good; answers with the report, the reporter now shown.
    @Sendable static func openIdentity(_ req: Request) async throws -> Response {
        let trackingID = try req.routeParameter("tracking_id")
        let viewed = try await ReportViewer.load(trackingID, for: req)
        try await ReportViewer.openIdentity(of: viewed, reason: try req.decodeBody(IdentityOpeningRequest.self).reason, for: req)
        let reloaded = try await ReportViewer.load(trackingID, for: req)
        let representation = try await ReportResponses.representation(
            reloaded.report, access: reloaded.access, actor: reloaded.actor, now: req.now, on: req.db)
        let response = try await ReportResponses.personal(representation, for: req)
        response.status = .created
        return response
    }

    struct ActionResult: Content {
        let report: ReportRepresentation
        let event: EventRepresentation?
    }

    @Sendable static func act(_ req: Request) async throws -> Response {
        guard let kind = EventKind(pathComponent: try req.routeParameter("action")), EventKind.actions.contains(kind) else {
            throw APIError.notFound
        }
        let viewed = try await ReportViewer.load(try req.routeParameter("tracking_id"), for: req)
        guard let actor = viewed.actor, let eventActor = viewed.eventActor else { throw APIError.authenticationRequired }
        if case .reporter = actor {
            try await req.enforceRateLimit(.reporterAction)
        }
        let body = req.body.data == nil ? WithAttachments(fields: ActionRequest()) : try req.decodeBody(WithAttachments<ActionRequest>.self)
        let outcome = try await ReportActions.perform(
            kind, body.fields, uploads: body.uploads, on: viewed.report.id!, by: actor,
            attributedTo: eventActor, channel: .api, context: req.tanggap, on: req.db)
        req.logger.info(
            "report action", metadata: ["tracking_id": .string(outcome.report.trackingID.value), "action": .string(kind.rawValue)])

        // What the viewer sees after the action: they may, for instance, have sent it out of their subtree.
        let provedReporter = if case .reporter = actor { true } else { false }
        let access = try await ReportViewer.access(to: outcome.report, provedReporter: provedReporter, for: req) ?? viewed.access
        let files = try await ReportQueries.attachments(of: outcome.report.id!, on: req.db)
        let names = try await NameBook.load(reports: [outcome.report], events: [outcome.event], on: req.db)
        let report = ReportPresenter.report(outcome.report, access: access, actor: actor, names: names, attachments: files, now: req.now)
        let event = ReportPresenter.events([outcome.event], of: outcome.report, access: access, names: names, attachments: files).first
        return try await ReportResponses.personal(ActionResult(report: report, event: event), for: req)
    }

}
