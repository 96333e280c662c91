import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// `/kelola/laporan/{tracking id}`: the report workspace. The reporter's words beside the corrections, files, the
/// whole history, the reporter's other reports (never for an anonymous reporter the viewer may not know), and a
/// form for every action the viewer may take now — the lifecycle decides which, as everywhere else.
enum WorkspaceController {
    static func register(_ pages: any RoutesBuilder, attachmentLimit: Int) {
        pages.get("kelola", "laporan", ":tracking_id", use: show)
        pages.get("kelola", "laporan", ":tracking_id", "lampiran", ":attachment_id", use: attachment)
        pages.postWithAttachments("kelola", "laporan", ":tracking_id", "tindakan", ":action", upTo: attachmentLimit, use: act)
        pages.post("kelola", "laporan", ":tracking_id", "buka-identitas", use: openIdentity).answerNeverKept()
    }

    /// The staff actions a page offers (the reporter's own are on the portal).
    static let staffActions: [EventKind] = [
        .verify, .dispatch, .assign, .hold, .answer, .notOurAuthority, .archive, .note, .correct, .escalate, .reopen,
    ]

    struct OtherReport: Encodable {
        let trackingID: String
        let title: String
        let state: String
    }

    struct Drafts: Encodable {
        var text = ""
        var question = ""
        var reason = ""
        var note = ""
        var identityReason = ""
    }

    /// The anonim reporter's identity as this person may have it: sealed (theirs to open with a reason), open to
    /// them until a moment, and every opening so far.
    struct SealedIdentity: Encodable {
        let sealed: Bool
        let openUntil: String?
        let openings: [String]?
    }

    struct Workspace: Encodable {
        let trackingID: String
        let link: String
        let title: String
        let originalTitle: String?
        let body: String
        let state: String
        let stateKey: ReportState
        let classification: String
        let classificationKey: Classification
        let category: String?
        let place: String?
        let holder: String
        let handovers: [ReportPage.Handover]?
        let assignee: String?
        let dueAt: String?
        let light: TrafficLight?
        let lightLabel: String?
        let channel: String
        let createdAt: String
        let isAnonymous: Bool
        let isConfidential: Bool
        let isEscalated: Bool
        let reporter: ReportRepresentation.Reporter?
        let identity: SealedIdentity?
        let files: [ReportPage.File]?
        let timeline: [ReportPage.Event]
        let others: [OtherReport]?
        let offers: ActionOffers
        let suggestions: SuggestionPanel?
        let targets: [Choice]?
        let officers: [Choice]?
        let templates: [Choice]?
        let archiveReasons: [Choice]
        let classifications: [Choice]
        let categories: [Choice]
        let feedback: FormFeedback
        let typed: Drafts
        let notice: String?
    }

    static func load(_ req: Request) async throws -> (ViewedReport, SignedInUser)? {
        guard let user = try req.signedInStaff() else { return nil }
        guard let id = TrackingID(parsing: try req.routeParameter("tracking_id")),
            let report = try await ReportQueries.find(trackingID: id, on: req.db)
        else { throw APIError.reportNotFound }
        // Staff pages are for reports in the person's own part of the tree: another institution's are forbidden
        // (staff may know a report exists; they may not read it).
        guard let access = try await ReportViewer.access(to: report, provedReporter: false, for: req), access.level == .staff else {
            throw APIError.forbidden
        }
        return (
            ViewedReport(
                report: report, access: access, actor: .user(user.actor), eventActor: .user(id: user.id, institutionID: user.institutionID)),
            user
        )
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        guard let (viewed, user) = try await load(req) else { return req.seeOther("/masuk?next=\(req.url.path)") }
        var typed = Drafts()
        if let templateID = try? req.query.get(Int64.self, at: "templat"),
            let template = try await ReplyTemplates.available(for: viewed.report.snapshot.holder, on: req.db).first(where: {
                $0.id == templateID
            })
        {
            typed.text = template.body
        }
        let done = try? req.query.get(String.self, at: "selesai")
        let notice =
            done == "identitas"
            ? req.text("workspace.identity_opened")
            : done.flatMap(EventKind.init(rawValue:)).map { req.text("workspace.done", ["action": req.label($0)]) }
        return try await req.renderPage("kelola/laporan", try await build(viewed, user: user, typed: typed, notice: notice, on: req))
    }

    @Sendable static func attachment(_ req: Request) async throws -> Response {
        guard let (viewed, _) = try await load(req) else { throw APIError.authenticationRequired }
        return try await ReportResponses.file(try req.routeParameter("attachment_id"), of: viewed, for: req)
    }

    @Sendable static func act(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let (viewed, user) = try await load(req) else { return req.seeOther("/masuk") }
        guard let kind = EventKind(rawValue: try req.routeParameter("action")), staffActions.contains(kind) else { throw APIError.notFound }
        let posted = try req.decodeBody(WithAttachments<FormFields>.self)
        let input = posted.fields
        let trackingID = viewed.report.trackingID.display
        return try await req.handlingForm {
            let outcome = try await ReportActions.perform(
                kind, try input.decode(ActionRequest.self), uploads: posted.uploads, on: viewed.report.id!, by: .user(user.actor),
                attributedTo: .user(id: user.id, institutionID: user.institutionID), channel: .web,
                also: { db, report in
                    try await SuggestionPanel.recordChoice(kind, input, reportID: report.id!, userID: user.id, now: req.now, on: db)
                }, context: req.tanggap, on: req.db)
            // After sending a report out of one's subtree there is nothing left to see here: back to the inbox.
            if try await ReportViewer.access(to: outcome.report, provedReporter: false, for: req)?.level != .staff {
                return req.seeOther("/kelola/kotak?hasil=1-0")
            }
            return req.seeOther("/kelola/laporan/\(trackingID)?selesai=\(kind.rawValue)")
        } refused: { feedback, status in
            let typed = Drafts(
                text: input["text"] ?? "", question: input["question"] ?? "", reason: input["reason"] ?? "", note: input["note"] ?? "")
            return try await req.renderPage(
                "kelola/laporan", try await build(viewed, user: user, feedback: feedback, typed: typed, on: req), status: status)
        }
    }

    static func build(
        _ viewed: ViewedReport, user: SignedInUser, feedback: FormFeedback = .none, typed: Drafts = Drafts(), notice: String? = nil,
        on req: Request
    ) async throws -> Workspace {
        let report = viewed.report
        let trackingID = report.trackingID.display
        let representation = try await ReportResponses.representation(
            report, access: viewed.access, actor: viewed.actor, now: req.now, on: req.db)
        let events = try await ReportHistory.events(of: report.id!, on: req.db)
        let names = try await NameBook.load(reports: [report], events: events, on: req.db)
        let stored = try await ReportQueries.attachments(of: report.id!, on: req.db)
        let presented = ReportPresenter.events(events, of: report, access: viewed.access, names: names, attachments: stored)
        let base = "/kelola/laporan/\(trackingID)"
        func file(_ a: AttachmentRepresentation) -> ReportPage.File { ReportPage.File(name: a.name, url: "\(base)/lampiran/\(a.id)") }
        let offers = ActionOffers(offered: Set(staffActions.filter { representation.actions.contains($0.pathComponent) }))
        let holder = report.snapshot.holder
        let deadlines = representation.deadlines

        return Workspace(
            trackingID: trackingID, link: base, title: representation.title,
            originalTitle: representation.original.title == representation.title ? nil : representation.original.title,
            body: representation.body, state: req.label(representation.state), stateKey: representation.state,
            classification: req.label(representation.classification), classificationKey: representation.classification,
            category: [representation.category?.name, representation.subcategory?.name].compactMap { $0.map(PortalChoices.displayName) }
                .joined(separator: " › ").nilIfEmpty,
            place: [representation.location.region?.name, representation.location.text].compactMap { $0 }.joined(separator: " · ")
                .nilIfEmpty,
            holder: representation.holder.name, handovers: representation.handovers?.map { ReportPage.Handover($0, on: req) },
            assignee: representation.assignee?.name,
            dueAt: deadlines.map { DisplayFormat.dateTime($0.dueAt, req) }, light: deadlines?.light,
            lightLabel: deadlines.map { req.label($0.light) },
            channel: [req.label(representation.channel), representation.channelApp].compactMap { $0 }.joined(separator: ": "),
            createdAt: DisplayFormat.dateTime(representation.createdAt, req), isAnonymous: report.isAnonymous,
            isConfidential: report.isConfidential, isEscalated: report.isEscalated, reporter: representation.reporter,
            identity: try await sealedIdentity(representation, of: report, for: user, on: req),
            files: (representation.attachments ?? []).map(file).nilIfEmpty,
            timeline: ReportPage.timeline(presented, file: file, on: req),
            others: viewed.access.seesReporterIdentity ? try await otherReports(of: report, for: user, on: req).nilIfEmpty : nil,
            offers: offers,
            suggestions: try await SuggestionPanel.build(for: report, offers: offers, on: req),
            targets: offers.contains(.dispatch) ? try await institutions(below: holder, on: req).nilIfEmpty : nil,
            officers: offers.contains(.assign) ? try await officers(for: holder, on: req).nilIfEmpty : nil,
            templates: offers.contains(.answer)
                ? try await ReplyTemplates.available(for: holder, on: req.db).map { Choice(String($0.id), $0.title) }.nilIfEmpty : nil,
            archiveReasons: PortalChoices.words(ArchiveReason.self, on: req),
            classifications: PortalChoices.classifications(selected: report.classification, on: req),
            categories: try await PortalChoices.categories(selected: report.categoryID, on: req),
            feedback: feedback, typed: typed, notice: notice)
    }

    /// Opens the identity with the typed reason, then back to the report, the reporter now shown.
    @Sendable static func openIdentity(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let (viewed, user) = try await load(req) else { return req.seeOther("/masuk") }
        let fields = try req.content.decode(FormFields.self)
        return try await req.handlingForm {
            try await ReportViewer.openIdentity(of: viewed, reason: fields["identity_reason"], field: "identity_reason", for: req)
            return req.seeOther("/kelola/laporan/\(viewed.report.trackingID.display)?selesai=identitas")
        } refused: { feedback, status in
            var typed = Drafts()
            typed.identityReason = fields["identity_reason"] ?? ""
            return try await req.renderPage(
                "kelola/laporan", try await build(viewed, user: user, feedback: feedback, typed: typed, on: req), status: status)
        }
    }

    static func sealedIdentity(
        _ representation: ReportRepresentation, of report: ReportModel, for user: SignedInUser, on req: Request
    ) async throws -> SealedIdentity? {
        guard report.isAnonymous else { return nil }
        let openedAt =
            representation.reporter == nil
            ? nil : try await IdentityReveals.openedAt(reportID: report.id!, by: user.id, now: req.now, on: req.db)
        return SealedIdentity(
            sealed: representation.identitySealed && representation.reporter == nil,
            openUntil: openedAt.map {
                req.text(
                    "workspace.identity_open_until", ["until": DisplayFormat.dateTime($0.addingTimeInterval(IdentityReveal.lasts), req)])
            },
            openings: representation.identityOpenings?.map { $0.line(on: req) }.nilIfEmpty)
    }

    /// Institutions a report may be sent down to from its holder.
    static func institutions(below holder: InstitutionPath, on req: Request) async throws -> [Choice] {
        try await InstitutionDirectory.subtree(of: holder, limit: 401, on: req.db).filter { $0.id != holder.institutionID }
            .map { Choice(String($0.id), String(repeating: "· ", count: max(0, $0.depth - holder.depth - 1)) + $0.name) }
    }

    /// People who work where the report is held and may be given it.
    static func officers(for holder: InstitutionPath, on req: Request) async throws -> [Choice] {
        struct Officer: Decodable {
            let id: Int64
            let name: String
        }
        let roles = [Role.liaisonOfficer, .technicalOfficer, .institutionAdmin].map(\.rawValue)
        let rows = try await req.db.sql.raw(
            """
            SELECT DISTINCT u.id, u.name FROM users u JOIN role_grants g ON g.user_id = u.id JOIN institutions i ON i.id = g.institution_id
            WHERE u.is_active = \(bind: true) AND g.role IN (\(binds: roles)) AND \(bind: holder.encoded) LIKE i.path || '%'
            ORDER BY u.name LIMIT 200
            """
        ).all(decoding: Officer.self)
        return rows.map { Choice(String($0.id), $0.name) }
    }

    /// The same reporter's other reports, by their account only: a phone number or an e-mail address typed into a
    /// form proves nothing (anyone can file with a suspect's number), so contact details never link reports. A
    /// candidate is listed only where the viewer may see *that* report's reporter too, so a named report never
    /// ties the same person to their anonim ones.
    static func otherReports(of report: ReportModel, for user: SignedInUser, on req: Request) async throws -> [OtherReport] {
        guard let account = report.reporterUserID else { return [] }
        let candidates = try await req.db.sql.raw(
            """
            SELECT * FROM reports WHERE id <> \(bind: report.id!) AND reporter_user_id = \(bind: account) ORDER BY id DESC LIMIT 20
            """
        ).all(decodingFluent: ReportModel.self)
        let routes = try await ReportHistory.routes(of: candidates.map { $0.id! }, on: req.db)
        return candidates.filter { candidate in
            VisibilityPolicy.access(for: .user(user.actor), to: candidate.privacy(route: routes[candidate.id!] ?? []))?
                .mayListAsSameReporter == true
        }.prefix(10).map { OtherReport(trackingID: $0.trackingID.display, title: $0.title, state: req.label($0.state)) }
    }
}
