import Foundation
import TanggapCore
import Vapor

/// `/lapor`: the report form, and the receipt with the tracking ID once the report is safely stored.
enum SubmitController {
    static func register(_ pages: any RoutesBuilder, attachmentLimit: Int) {
        pages.get("lapor", use: form)
        pages.postWithAttachments("lapor", upTo: attachmentLimit, use: submit)
        pages.get("lapor", "terkirim", ":tracking_id", use: receipt)
        // Operators type in what came by radio, public dialogue, walk-in or letter, with the same form.
        pages.get("kelola", "kanal", use: operatorForm)
        pages.postWithAttachments("kelola", "kanal", upTo: attachmentLimit, use: operatorSubmit)
    }

    /// The form as posted: its fields as typed, and its files.
    typealias Posted = WithAttachments<FormFields>

    struct Form: Encodable {
        var values: FormFields
        var feedback: FormFeedback
        var classifications: [Choice]
        var regions: [ChoiceGroup]
        var categories: [Choice]
        var categoryMatches: [Choice]
        var searchedCategories: Bool
        var noCategoryMatches: Bool
        var institutions: [Choice]
        var signedInName: String?
        var attachmentHint: String
        /// For an operator: the offline channels to record, and where the form posts.
        var operatorChannels: [Choice]?
        var action = "/lapor"
        /// Published reports that look like this one, shown once before it is filed (`LookAlikes`).
        var similar: [Similar]?
        /// Whether the form came with files, which a browser does not send again: they must be chosen again.
        var filesToChooseAgain = false
    }

    struct Similar: Encodable {
        let trackingID: String
        let title: String
        let supports: String
        let received: String
    }

    @Sendable static func form(_ req: Request) async throws -> Response {
        var values = FormFields()
        values["classification"] = Classification.pengaduan.rawValue
        values["target_institution_id"] = try? req.query.get(String.self, at: "instansi")
        return try await render(values, feedback: .none, status: .ok, on: req)
    }

    @Sendable static func submit(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let posted = try req.decodeBody(Posted.self)
        // "Find a category" re-shows the form with the matches; nothing is filed yet.
        if posted.fields["find_category"] != nil { return try await render(posted.fields, feedback: .none, status: .ok, on: req) }
        return try await req.handlingForm {
            try await req.enforceRateLimit(.submission)
            let submission = try await submission(from: posted.fields, on: req)
            // Before filing, once: reports already published about the same thing, to support instead of repeating.
            if posted.fields["file_anyway"] == nil, let similar = try await similarPublished(to: submission, on: req), !similar.isEmpty {
                return try await render(
                    posted.fields, feedback: .none, status: .ok, similar: similar, hadFiles: !posted.uploads.isEmpty, on: req)
            }
            let receipt = try await ReportIntake.submit(
                submission, uploads: posted.uploads, from: req.signedInUser.map { .user($0) } ?? .visitor,
                defaultChannel: .web, context: req.tanggap, on: req.db
            ).receipt
            req.logger.info("report received", metadata: ["tracking_id": .string(receipt.trackingID.value)])
            let response = req.seeOther("/lapor/terkirim/\(receipt.trackingID.display)")
            if let secret = receipt.secret {
                ReporterPasses.remember(receipt.trackingID, secret: secret, on: req, response: response)
                ReporterPasses.showOnce(receipt.trackingID, secret: secret, on: req, response: response)
            }
            return response
        } refused: { feedback, status in
            try await render(posted.fields, feedback: feedback, status: status, on: req)
        }
    }

    /// The form's text read as the API's submission; a sub-category found by searching names its own category.
    static func submission(from fields: FormFields, on req: Request) async throws -> ReportSubmission {
        var submission = try fields.decode(ReportSubmission.self)
        if let subcategoryID = submission.subcategoryID, let sub = try await CategoryModel.find(subcategoryID, on: req.db),
            let parent = sub.parentID
        {
            submission.categoryID = parent
        }
        return submission
    }

    /// Open published reports of the same region and category whose words are like these; nil without both.
    static func similarPublished(to submission: ReportSubmission, on req: Request) async throws -> [Similar]? {
        guard let region = submission.regionID, let category = submission.categoryID else { return nil }
        let fingerprints = try await req.tanggap.routing.current(now: req.now, on: req.db)?.fingerprints ?? .unweighed
        let matches = try await LookAlikes.published(
            like: IndonesianText.ofReport(title: submission.title ?? "", body: submission.body ?? ""), regionID: region,
            categoryID: category,
            fingerprints: fingerprints,
            now: req.now, on: req.db)
        return matches.map {
            Similar(
                trackingID: $0.trackingID.display, title: $0.title,
                supports: req.text("submit.similar_supports", ["count": String($0.supportCount)]),
                received: DisplayFormat.date($0.createdAt, req))
        }
    }

    static func render(
        _ values: FormFields, feedback: FormFeedback, status: HTTPStatus, asOperator: Bool = false, similar: [Similar]? = nil,
        hadFiles: Bool = false, on req: Request
    ) async throws -> Response {
        let query = (values["category_query"] ?? "").trimmingCharacters(in: .whitespaces)
        let matches = try await PortalChoices.searchCategories(query, selected: values["subcategory_id"].flatMap { Int64($0) }, on: req)
        let form = Form(
            values: values, feedback: feedback,
            classifications: PortalChoices.classifications(selected: values["classification"], on: req),
            regions: try await PortalChoices.regions(selected: values["region_id"].flatMap { Int64($0) }, on: req),
            categories: try await PortalChoices.categories(selected: values["category_id"].flatMap { Int64($0) }, on: req),
            categoryMatches: matches, searchedCategories: !query.isEmpty, noCategoryMatches: !query.isEmpty && matches.isEmpty,
            institutions: try await PortalChoices.institutions(selected: values["target_institution_id"].flatMap { Int64($0) }, on: req),
            signedInName: asOperator ? nil : req.signedInUser?.name,
            attachmentHint: req.text(
                "submit.attachments_hint",
                [
                    "limit": DisplayFormat.decimal(Double(req.tanggap.settings.attachmentLimitBytes) / 1_048_576, req)
                ]),
            operatorChannels: asOperator ? offlineChannels(selected: values["channel"], on: req) : nil,
            action: asOperator ? "/kelola/kanal" : "/lapor", similar: similar, filesToChooseAgain: hadFiles)
        return try await req.renderPage("portal/lapor", form, status: status)
    }

    struct Receipt: Encodable {
        let trackingID: String
        /// Shown once, right after filing; nil afterwards.
        let secret: String?
        /// Whether this browser keeps a pass to the report (a report filed without an account).
        var passKept = false
        let link: String
        let hasAccount: Bool
    }

    /// The receipt after filing: the tracking ID large, the secret for a report without an account exactly once
    /// (handed over in a cookie scoped to this page and forgotten as it is shown, never in the URL), then only
    /// whether this browser keeps a pass, and the link to keep.
    @Sendable static func receipt(_ req: Request) async throws -> Response {
        let raw = try req.routeParameter("tracking_id")
        guard let trackingID = TrackingID(parsing: raw) else { throw APIError.reportNotFound }
        let pass = ReporterPasses.pass(for: trackingID, req)
        let viewed = try await ReportViewer.load(raw, secret: nil, pass: pass, for: req)
        guard viewed.access.level != .public else { throw APIError.reportNotFound }
        let link = "/laporan/\(trackingID.display)"
        let forget = Response()
        let secret = ReporterPasses.takeShownOnce(trackingID, req, response: forget)
        let shown = secret.flatMap { offered -> String? in
            guard let digest = ReportIntake.secretDigest(offered), let stored = viewed.report.secretDigest,
                constantTimeEqual(digest, stored)
            else { return nil }
            return offered
        }
        let response = try await req.renderPage(
            "portal/terkirim",
            Receipt(
                trackingID: trackingID.display, secret: shown.map(formatSecret), passKept: pass != nil && viewed.actor == .reporter,
                link: link, hasAccount: viewed.report.reporterUserID != nil))
        for cookie in forget.cookies.all { response.cookies[cookie.key] = cookie.value }
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    static func offlineChannels(selected: String?, on req: Request) -> [Choice] {
        TanggapCore.Channel.offline.sorted { $0.rawValue < $1.rawValue }.map {
            Choice($0.rawValue, req.label($0), selected: $0.rawValue == selected)
        }
    }

    /// The operator's form: only for staff with the operator role.
    static func requireOperator(_ req: Request) throws -> SignedInUser? {
        guard let user = req.signedInUser else { return nil }
        guard user.grants.contains(where: { $0.role == .operator }) else { throw APIError.forbidden }
        return user
    }

    @Sendable static func operatorForm(_ req: Request) async throws -> Response {
        guard try requireOperator(req) != nil else { return req.seeOther("/masuk?next=/kelola/kanal") }
        var values = FormFields()
        values["classification"] = Classification.pengaduan.rawValue
        values["channel"] = TanggapCore.Channel.walkIn.rawValue
        return try await render(values, feedback: .none, status: .ok, asOperator: true, on: req)
    }

    /// Files the report for the person in front of the operator and shows its receipt at once, secret included:
    /// the operator hands both over, and nothing keeps the secret in the operator's browser.
    @Sendable static func operatorSubmit(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = try requireOperator(req) else { return req.seeOther("/masuk?next=/kelola/kanal") }
        let posted = try req.decodeBody(Posted.self)
        if posted.fields["find_category"] != nil {
            return try await render(posted.fields, feedback: .none, status: .ok, asOperator: true, on: req)
        }
        return try await req.handlingForm {
            let submission = try await submission(from: posted.fields, on: req)
            let receipt = try await ReportIntake.submit(
                submission, uploads: posted.uploads, from: .user(user), defaultChannel: TanggapCore.Channel.walkIn,
                context: req.tanggap, on: req.db
            ).receipt
            return try await req.renderPage(
                "portal/terkirim",
                Receipt(
                    trackingID: receipt.trackingID.display, secret: receipt.secret,
                    link: "/laporan/\(receipt.trackingID.display)", hasAccount: false), status: .created)
        } refused: { feedback, status in
            try await render(posted.fields, feedback: feedback, status: status, asOperator: true, on: req)
        }
    }

    /// `ABCD-EFGH-JKLM-NPQR`, as it was first shown.
    static func formatSecret(_ canonical: String) -> String {
        stride(from: 0, to: canonical.count, by: 4).map { start in
            String(canonical.dropFirst(start).prefix(4))
        }.joined(separator: "-")
    }
}
