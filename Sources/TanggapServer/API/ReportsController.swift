import Fluent
import Foundation
import TanggapCore
import Vapor

/// `/api/v1/reports`: submit, list, read, history, files, and every action.
enum ReportsController {
    static func register(_ api: any RoutesBuilder, attachmentLimit: Int) {
        let reports = api.grouped("reports")
        reports.on(.POST, body: .collect(maxSize: ByteCount(value: attachmentLimit + 512 * 1024)), use: submit)
        reports.get(use: list)
        reports.get(":tracking_id", use: show)
        reports.get(":tracking_id", "events", use: events)
        reports.get(":tracking_id", "deliveries", use: deliveries)
        reports.get(":tracking_id", "attachments", ":attachment_id", use: attachment)
        reports.on(.POST, ":tracking_id", ":action", body: .collect(maxSize: ByteCount(value: attachmentLimit + 512 * 1024)), use: act)
    }

    struct Receipt: Content {
        let trackingID: String
        let secret: String?
        let report: ReportRepresentation
    }

    @Sendable static func submit(_ req: Request) async throws -> Response {
        try req.enforceRateLimit("submit", perMinute: req.tanggap.settings.rateLimits.submissionsPerMinute)
        let body = try req.decodeBody(SubmitReportBody.self)
        let submitter: SubmitterIdentity = req.signedInUser.map { .user($0) } ?? .visitor
        let uploads = body.attachments?.uploads ?? []
        let submitted = try await ReportIntake.submitted(
            body.submission, uploads: uploads, from: submitter, defaultChannel: .api, context: req.tanggap, on: req.db)
        let receipt = submitted.receipt
        req.logger.info("report received", metadata: ["tracking_id": .string(receipt.trackingID.value)])
        let access = ReportAccess(level: .reporter, seesReporterIdentity: true)
        let viewer: Actor = req.signedInUser.map { .user($0.actor) } ?? .reporter
        // The report as just written; only its files, when it has any, are read back.
        let representation = try await present(
            submitted.report, access: access, actor: viewer, attachments: uploads.isEmpty ? [] : nil, names: submitted.names, now: req.now, on: req.db)
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
        let viewed = try await ReportViewer.load(req.parameters.get("tracking_id")!, for: req)
        let representation = try await present(viewed.report, access: viewed.access, actor: viewed.actor, now: req.now, on: req.db)
        return try await privateResponse(representation, for: req)
    }

    @Sendable static func events(_ req: Request) async throws -> Response {
        let viewed = try await ReportViewer.load(req.parameters.get("tracking_id")!, for: req)
        let events = try await ReportHistory.events(of: viewed.report.id!, on: req.db)
        let names = try await NameBook.load(reports: [viewed.report], events: events, on: req.db)
        let files = try await ReportQueries.attachments(of: viewed.report.id!, on: req.db)
        let items = ReportPresenter.events(events, of: viewed.report, access: viewed.access, names: names, attachments: files)
        return try await privateResponse(Items(items: items), for: req)
    }

    /// The delivery log: staff of the report see what the reporter was sent and whether it arrived.
    @Sendable static func deliveries(_ req: Request) async throws -> Response {
        let viewed = try await ReportViewer.load(req.parameters.get("tracking_id")!, for: req)
        guard viewed.access.level == .staff else { throw APIError.forbidden }
        return try await privateResponse(Items(items: try await Deliveries.log(of: viewed.report.id!, access: viewed.access, on: req.db)), for: req)
    }

    @Sendable static func attachment(_ req: Request) async throws -> Response {
        let viewed = try await ReportViewer.load(req.parameters.get("tracking_id")!, for: req)
        return try await fileResponse(req.parameters.get("attachment_id")!, of: viewed, for: req)
    }

    /// One of a report's files, if the viewer may read it, served so that it can run nothing.
    static func fileResponse(_ publicID: String, of viewed: ViewedReport, for req: Request) async throws -> Response {
        guard let file = try await AttachmentModel.query(on: req.db)
            .filter(\.$reportID == viewed.report.id!).filter(\.$publicID == publicID).first(),
            ReportPresenter.readable(file, by: viewed.access), let kind = AttachmentKind(rawValue: file.kind)
        else { throw APIError.notFound }
        let data = try await req.tanggap.attachments.load(file.storageKey)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: kind.contentType)
        let disposition = kind.isImage ? "inline" : "attachment"
        let encodedName = file.displayName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "lampiran"
        headers.replaceOrAdd(name: .contentDisposition, value: "\(disposition); filename*=UTF-8''\(encodedName)")
        // A file is shown as what it is and can run nothing, even if a browser were tempted.
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; img-src 'self'; sandbox")
        // Never kept by a shared cache: a report can be unpublished, archived as spam or made rahasia at any
        // moment, and a cached copy would go on serving its files to anyone. A public file may be kept by the
        // browser but is asked for again each time (its ETag makes that cheap).
        headers.replaceOrAdd(name: .cacheControl, value: viewed.access.level == .public ? "private, no-cache" : "private, no-store")
        let etag = "\"\(file.publicID)\""
        headers.replaceOrAdd(name: .eTag, value: etag)
        if viewed.access.level == .public, req.headers.first(name: .ifNoneMatch) == etag {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    struct ActionResult: Content {
        let report: ReportRepresentation
        let event: EventRepresentation?
    }

    @Sendable static func act(_ req: Request) async throws -> Response {
        guard let kind = EventKind(pathComponent: req.parameters.get("action")!), EventKind.actions.contains(kind) else { throw APIError.notFound }
        let viewed = try await ReportViewer.load(req.parameters.get("tracking_id")!, for: req)
        guard let actor = viewed.actor, let eventActor = viewed.eventActor else { throw APIError.authenticationRequired }
        if case .reporter = actor {
            try req.enforceRateLimit("reporter-action", perMinute: req.tanggap.settings.rateLimits.reporterActionsPerMinute)
        }
        let body = req.body.data == nil ? ActionBody() : try req.decodeBody(ActionBody.self)
        let outcome = try await ReportActions.perform(
            kind, body.request, uploads: body.attachments?.uploads ?? [], on: viewed.report.id!, by: actor,
            attributedTo: eventActor, channel: .api, context: req.tanggap, on: req.db)
        req.logger.info("report action", metadata: ["tracking_id": .string(outcome.report.trackingID), "action": .string(kind.rawValue)])

        // What the viewer sees after the action: they may, for instance, have sent it out of their subtree.
        let provedReporter = if case .reporter = actor { true } else { false }
        let access = try await ReportViewer.access(to: outcome.report, provedReporter: provedReporter, for: req) ?? viewed.access
        let files = try await ReportQueries.attachments(of: outcome.report.id!, on: req.db)
        let names = try await NameBook.load(reports: [outcome.report], events: [outcome.event], on: req.db)
        let report = ReportPresenter.report(outcome.report, access: access, actor: actor, names: names, attachments: files, now: req.now)
        let event = ReportPresenter.events([outcome.event], of: outcome.report, access: access, names: names, attachments: files).first
        return try await privateResponse(ActionResult(report: report, event: event), for: req)
    }

    /// `attachments` when already known (none); read otherwise.
    static func present(
        _ report: ReportModel, access: ReportAccess, actor: Actor?, attachments: [AttachmentModel]? = nil, names known: NameBook = NameBook(),
        now: Date, on db: any Database
    ) async throws -> ReportRepresentation {
        let names = try await NameBook.load(reports: [report], known: known, on: db)
        var files = attachments ?? []
        if attachments == nil { files = try await ReportQueries.attachments(of: report.id!, on: db) }
        return ReportPresenter.report(report, access: access, actor: actor, names: names, attachments: files, now: now)
    }

    /// Anything beyond the public view is personal: never cached by a shared cache.
    static func privateResponse(_ content: some Content, for req: Request) async throws -> Response {
        let response = try await content.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}
