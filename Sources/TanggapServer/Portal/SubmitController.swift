import Foundation
import TanggapCore
import Vapor

/// `/lapor`: the report form, and the receipt with the tracking ID once the report is safely stored.
enum SubmitController {
    static func register(_ pages: any RoutesBuilder, attachmentLimit: Int) {
        pages.get("lapor", use: form)
        pages.on(.POST, "lapor", body: .withAttachments(upTo: attachmentLimit), use: submit)
        pages.get("lapor", "terkirim", ":tracking_id", use: receipt)
        // Operators type in what came by radio, public dialogue, walk-in or letter, with the same form.
        pages.get("kelola", "kanal", use: operatorForm)
        pages.on(.POST, "kelola", "kanal", body: .withAttachments(upTo: attachmentLimit), use: operatorSubmit)
    }

    /// The form's fields exactly as typed, so that a refused form comes back with everything in it.
    struct Values: Content {
        var classification: String?
        var title: String?
        var body: String?
        var event_date: String?
        var location_text: String?
        var region_id: String?
        var latitude: String?
        var longitude: String?
        var category_id: String?
        var subcategory_id: String?
        var category_query: String?
        var target_institution_id: String?
        var is_anonymous: String?
        var is_confidential: String?
        var reporter_name: String?
        var reporter_email: String?
        var reporter_phone: String?
        var channel: String?
    }

    struct Posted: Content {
        var values: Values
        var findCategory: String?
        var attachments: [File]?

        init(from decoder: any Decoder) throws {
            values = try Values(from: decoder)
            let container = try decoder.container(keyedBy: Keys.self)
            findCategory = try container.decodeIfPresent(String.self, forKey: .findCategory)
            attachments = try container.decodeIfPresent([File].self, forKey: .attachments)
        }

        func encode(to encoder: any Encoder) throws { try values.encode(to: encoder) }

        private enum Keys: String, CodingKey { case findCategory = "find_category", attachments }
    }

    struct Form: Encodable {
        var values: Values
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
    }

    @Sendable static func form(_ req: Request) async throws -> Response {
        var values = Values()
        values.classification = Classification.pengaduan.rawValue
        values.target_institution_id = try? req.query.get(String.self, at: "instansi")
        return try await render(values, feedback: .none, status: .ok, on: req)
    }

    @Sendable static func submit(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        let posted = try req.decodeBody(Posted.self)
        // "Find a category" re-shows the form with the matches; nothing is filed yet.
        if posted.findCategory != nil { return try await render(posted.values, feedback: .none, status: .ok, on: req) }
        return try await req.handlingForm {
            try req.enforceRateLimit(.submission)
            let submission = try await submission(from: posted.values, on: req)
            let receipt = try await ReportIntake.submit(
                submission, uploads: posted.attachments?.uploads ?? [], from: req.signedInUser.map { .user($0) } ?? .visitor,
                defaultChannel: .web, context: req.tanggap, on: req.db)
            req.logger.info("report received", metadata: ["tracking_id": .string(receipt.trackingID.value)])
            let response = req.seeOther("/lapor/terkirim/\(receipt.trackingID.display)")
            if let secret = receipt.secret {
                ReporterPasses.remember(receipt.trackingID, secret: secret, on: req, response: response)
                ReporterPasses.showOnce(receipt.trackingID, secret: secret, on: req, response: response)
            }
            return response
        } refused: { feedback, status in
            try await render(posted.values, feedback: feedback, status: status, on: req)
        }
    }

    /// The form's text turned into a submission; numbers that are not numbers are the user's error, by field.
    static func submission(from v: Values, on req: Request) async throws -> ReportSubmission {
        var check = FieldChecker()
        func id(_ text: String?, _ field: String) -> Int64? {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Int64(text), value > 0 else { check.add(field, .invalid); return nil }
            return value
        }
        func coordinate(_ text: String?, _ field: String) -> Double? {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else { check.add(field, .invalid); return nil }
            return value
        }
        var categoryID = id(v.category_id, "category_id")
        let subcategoryID = id(v.subcategory_id, "subcategory_id")
        // A sub-category found by searching names its own category.
        if let subcategoryID, let sub = try await CategoryModel.find(subcategoryID, on: req.db), let parent = sub.parentID {
            categoryID = parent
        }
        let submission = ReportSubmission(
            classification: v.classification, title: v.title, body: v.body, eventDate: v.event_date.flatMap { $0.isEmpty ? nil : $0 },
            locationText: v.location_text, regionID: id(v.region_id, "region_id"), latitude: coordinate(v.latitude, "latitude"),
            longitude: coordinate(v.longitude, "longitude"), categoryID: categoryID, subcategoryID: subcategoryID,
            targetInstitutionID: id(v.target_institution_id, "target_institution_id"), isAnonymous: v.is_anonymous != nil,
            isConfidential: v.is_confidential != nil, channel: v.channel, reporterName: v.reporter_name,
            reporterEmail: v.reporter_email, reporterPhone: v.reporter_phone)
        try check.finish()
        return submission
    }

    static func render(
        _ values: Values, feedback: FormFeedback, status: HTTPStatus, asOperator: Bool = false, on req: Request
    ) async throws -> Response {
        let query = (values.category_query ?? "").trimmingCharacters(in: .whitespaces)
        let matches = try await PortalChoices.searchCategories(query, selected: values.subcategory_id.flatMap { Int64($0) }, on: req)
        let form = Form(
            values: values, feedback: feedback,
            classifications: PortalChoices.classifications(selected: values.classification, on: req),
            regions: try await PortalChoices.regions(selected: values.region_id.flatMap { Int64($0) }, on: req),
            categories: try await PortalChoices.categories(selected: values.category_id.flatMap { Int64($0) }, on: req),
            categoryMatches: matches, searchedCategories: !query.isEmpty, noCategoryMatches: !query.isEmpty && matches.isEmpty,
            institutions: try await PortalChoices.institutions(selected: values.target_institution_id.flatMap { Int64($0) }, on: req),
            signedInName: asOperator ? nil : req.signedInUser?.name,
            attachmentHint: req.text("submit.attachments_hint", [
                "limit": DisplayFormat.decimal(Double(req.tanggap.settings.attachmentLimitBytes) / 1_048_576, req)]),
            operatorChannels: asOperator ? offlineChannels(selected: values.channel, on: req) : nil,
            action: asOperator ? "/kelola/kanal" : "/lapor")
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
                constantTimeEqual(digest, stored) else { return nil }
            return offered
        }
        let response = try await req.renderPage("portal/terkirim", Receipt(
            trackingID: trackingID.display, secret: shown.map(formatSecret), passKept: pass != nil && viewed.actor == .reporter,
            link: link, hasAccount: viewed.report.reporterUserID != nil))
        for cookie in forget.cookies.all { response.cookies[cookie.key] = cookie.value }
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    static func offlineChannels(selected: String?, on req: Request) -> [Choice] {
        let channels = TanggapCore.Channel.offline.map(\.rawValue).sorted()
        return channels.map { Choice($0, req.text("channel.\($0)"), selected: $0 == selected) }
    }

    /// The operator's form: only for staff with the operator role.
    static func requireOperator(_ req: Request) throws -> SignedInUser? {
        guard let user = req.signedInUser else { return nil }
        guard user.grants.contains(where: { $0.role == .operator }) else { throw APIError.forbidden }
        return user
    }

    @Sendable static func operatorForm(_ req: Request) async throws -> Response {
        guard try requireOperator(req) != nil else { return req.seeOther("/masuk?next=/kelola/kanal") }
        var values = Values()
        values.classification = Classification.pengaduan.rawValue
        values.channel = TanggapCore.Channel.walkIn.rawValue
        return try await render(values, feedback: .none, status: .ok, asOperator: true, on: req)
    }

    /// Files the report for the person in front of the operator and shows its receipt at once, secret included:
    /// the operator hands both over, and nothing keeps the secret in the operator's browser.
    @Sendable static func operatorSubmit(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = try requireOperator(req) else { return req.seeOther("/masuk?next=/kelola/kanal") }
        let posted = try req.decodeBody(Posted.self)
        if posted.findCategory != nil { return try await render(posted.values, feedback: .none, status: .ok, asOperator: true, on: req) }
        return try await req.handlingForm {
            let submission = try await submission(from: posted.values, on: req)
            let receipt = try await ReportIntake.submit(
                submission, uploads: posted.attachments?.uploads ?? [], from: .user(user), defaultChannel: TanggapCore.Channel.walkIn,
                context: req.tanggap, on: req.db)
            return try await req.renderPage("portal/terkirim", Receipt(
                trackingID: receipt.trackingID.display, secret: receipt.secret,
                link: "/laporan/\(receipt.trackingID.display)", hasAccount: false), status: .created)
        } refused: { feedback, status in
            try await render(posted.values, feedback: feedback, status: status, asOperator: true, on: req)
        }
    }

    /// `ABCD-EFGH-JKLM-NPQR`, as it was first shown.
    static func formatSecret(_ canonical: String) -> String {
        stride(from: 0, to: canonical.count, by: 4).map { start in
            String(canonical.dropFirst(start).prefix(4))
        }.joined(separator: "-")
    }
}
