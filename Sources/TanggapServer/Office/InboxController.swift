import Fluent
import Foundation
import TanggapCore
import Vapor

/// `/kelola/kotak`: the inbox. Seven tabs with their counts, filters, soonest deadline first, and bulk actions
/// where they make sense (send several to one unit; archive spam).
enum InboxController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("kelola", "kotak", use: inbox)
        pages.post("kelola", "kotak", "massal", use: bulk)
    }

    struct Tab: Encodable {
        let key: String
        let label: String
        let count: String
        let current: Bool
        let link: String
    }

    /// Tabs count this far and then say "1000+": past it the number changes nothing for the reader.
    static let countCap = 1_000
    struct InboxLine: Encodable {
        let trackingID: String
        let title: String
        let state: String
        let stateKey: ReportState
        let holder: String
        let due: String?
        let light: TrafficLight?
        let channel: String
        let received: String
    }

    /// The columns an inbox row shows, read as plain rows: decoding fifty whole report models was a fifth of the page.
    struct Listed: Decodable {
        let id: Int64
        let tracking_id: TrackingID
        let title: String
        let state: ReportState
        let holder_id: Int64
        let channel: TanggapCore.Channel
        let created_at: Date
        let sla_stage: SLAStage?
        let stage_due_at: Date?
        let yellow_at: Date?
        let case_due_at: Date?
        let held_at: Date?

        static let columns = [
            "id", "tracking_id", "title", "state", "holder_id", "channel", "created_at", "sla_stage", "stage_due_at",
            "yellow_at", "case_due_at", "held_at",
        ]

        /// The part of the report's deadlines a row shows (its light and due moment).
        var sla: SLAStatus {
            SLAStatus(
                stage: sla_stage, stageDueAt: stage_due_at, yellowAt: yellow_at,
                caseDueAt: case_due_at, heldAt: held_at)
        }
    }

    struct Page: Encodable {
        let tabs: [Tab]
        let tab: String
        let tabLabel: String
        let filters: InboxFilters
        let institutions: [Choice]
        let categories: [Choice]
        let classifications: [Choice]
        let channels: [Choice]
        let provinces: [Choice]
        let rows: [InboxLine]?
        let nextLink: String?
        let caption: String
        let targets: [Choice]
        let notice: String?
        let csvLink: String
    }

    @Sendable static func inbox(_ req: Request) async throws -> Response {
        guard let user = try req.signedInStaff() else { return req.seeOther("/masuk?next=/kelola/kotak") }
        let filters = (try? req.query.decode(InboxFilters.self)) ?? InboxFilters()
        let tab = filters.tab.flatMap(InboxTab.init(rawValue:)) ?? .new
        let scope = VisibilityPolicy.listScope(for: .user(user.actor))
        let narrowing = try await filters.narrowing(for: user, scope: scope, on: req)

        let tabInboxFilters = InboxTab.allCases.map { candidate in
            var filter = candidate.filter(for: user)
            narrowing(&filter)
            return filter
        }
        let now = req.now
        let plans = req.tanggap.searchPlans
        let counts = try await req.sideBySide(tabInboxFilters) { filter, db in
            try await ReportQueries.count(filter, scope: scope, now: now, upTo: countCap, remembering: plans, on: db)
        }
        let tabs = zip(InboxTab.allCases, counts).map { candidate, count in
            Tab(
                key: candidate.rawValue, label: req.text("inbox.tab.\(candidate.rawValue)"),
                count: DisplayFormat.count(count, cappedAt: countCap, req),
                current: candidate == tab, link: link(filters, tab: candidate.rawValue, after: nil))
        }

        var filter = tab.filter(for: user)
        narrowing(&filter)
        var page = PageRequest()
        page.limit = 50
        // Search results come newest first: the full-text index hands out matches in that order, so a common word
        // among millions of reports costs one page of them, not all of them sorted by deadline. (A search run once
        // for all tabs, `ids`, keeps the same order.)
        let searching = !(filter.text ?? "").isEmpty || filter.ids != nil
        let byDue = tab.sortsByDue && !searching
        page.byDue = byDue
        if let cursor = filters.sesudah { (page.afterDue, page.after) = parse(cursor) }
        let (reports, more) = try await ReportQueries.list(
            Listed.columns, as: Listed.self, filter, scope: scope, page: page, now: req.now, remembering: plans, on: req.db)
        let holders = try await NameBook.names(in: "institutions", Set(reports.map(\.holder_id)), on: req.db)
        let rows = reports.map { report in
            let deadlines = ReportPresenter.deadlines(report.sla, now: req.now)
            return InboxLine(
                trackingID: report.tracking_id.display, title: report.title,
                state: req.label(report.state), stateKey: report.state, holder: holders[report.holder_id] ?? "",
                due: deadlines.map { DisplayFormat.dateTime($0.dueAt, req) }, light: deadlines?.light,
                channel: req.label(report.channel), received: DisplayFormat.date(report.created_at, req))
        }
        var next: String?
        if more, let last = reports.last {
            let cursor = byDue ? "\(Int64((last.stage_due_at ?? req.now).timeIntervalSince1970 * 1000)).\(last.id)" : String(last.id)
            next = link(filters, tab: tab.rawValue, after: cursor)
        }
        let institutions = try await Workplace.institutions(of: user, on: req)
        let notice = (try? req.query.get(String.self, at: "hasil")).flatMap { result -> String? in
            let parts = result.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 2 else { return nil }
            return req.text("inbox.bulk_result", ["done": String(parts[0]), "failed": String(parts[1])])
        }
        return try await req.renderPage(
            "kelola/kotak",
            Page(
                tabs: tabs, tab: tab.rawValue, tabLabel: req.text("inbox.tab.\(tab.rawValue)"), filters: filters,
                institutions: institutions.map { Choice(String($0.id), $0.name, selected: String($0.id) == filters.instansi) },
                categories: try await PortalChoices.categories(selected: filters.kategori.flatMap { Int64($0) }, on: req),
                classifications: PortalChoices.classifications(selected: filters.jenis, on: req),
                channels: PortalChoices.words(TanggapCore.Channel.self, selected: filters.kanal, on: req),
                provinces: try await PortalChoices.provinces(selected: filters.wilayah.flatMap { Int64($0) }, on: req),
                rows: rows.nilIfEmpty, nextLink: next, caption: req.text(byDue ? "inbox.caption" : "inbox.caption_newest"),
                targets: institutions.filter { $0.depth > 0 }.map { Choice(String($0.id), $0.name) }, notice: notice,
                csvLink: link(filters, tab: tab.rawValue, after: nil).replacingOccurrences(of: "/kelola/kotak?", with: "/kelola/kotak.csv?")
            ))
    }

    static func link(_ filters: InboxFilters, tab: String, after: String?) -> String {
        var components = URLComponents()
        components.path = "/kelola/kotak"
        components.queryItems = [
            ("tab", tab), ("instansi", filters.instansi), ("kategori", filters.kategori), ("jenis", filters.jenis),
            ("kanal", filters.kanal), ("wilayah", filters.wilayah), ("dari", filters.dari),
            ("sampai", filters.sampai), ("q", filters.q), ("sesudah", after),
        ]
        .compactMap { name, value in value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) } }
        return components.string ?? "/kelola/kotak"
    }

    /// `<due in ms>.<id>` or `<id>`.
    static func parse(_ cursor: String) -> (Date?, Int64?) {
        let parts = cursor.split(separator: ".")
        if parts.count == 2, let ms = Int64(parts[0]), let id = Int64(parts[1]) {
            return (Date(timeIntervalSince1970: Double(ms) / 1000), id)
        }
        return (nil, Int64(cursor))
    }

    struct Bulk: Content {
        var action: String?
        var institution_id: String?
        var ids: [String]?
        var back: String?
    }

    /// The same action on several reports, each in its own transaction: one that refuses (not in the right state,
    /// not yours) does not hold up the others, and the result says how many went through.
    @Sendable static func bulk(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let user = try req.signedInStaff() else { return req.seeOther("/masuk?next=/kelola/kotak") }
        let input = try req.content.decode(Bulk.self)
        guard let bulk = input.action.flatMap(BulkAction.init(rawValue:)) else { throw APIError.field("action", .invalid) }
        let (kind, request) = bulk.action(institutionID: input.institution_id.flatMap { Int64($0) })
        var done = 0, failed = 0
        for raw in (input.ids ?? []).prefix(100) {
            guard let id = TrackingID(parsing: raw), let report = try await ReportQueries.find(trackingID: id, on: req.db) else {
                failed += 1
                continue
            }
            do {
                _ = try await ReportActions.perform(
                    kind, request, on: report.id!, by: .user(user.actor),
                    attributedTo: .user(id: user.id, institutionID: user.institutionID),
                    channel: .web, context: req.tanggap, on: req.db)
                done += 1
            } catch {
                failed += 1
            }
        }
        let back = localPath(input.back, otherwise: "/kelola/kotak")
        return req.seeOther(back + (back.contains("?") ? "&" : "?") + "hasil=\(done)-\(failed)")
    }
}
