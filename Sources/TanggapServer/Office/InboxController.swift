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

    struct Filters: Content {
        var tab: String?
        var instansi: String?
        var kategori: String?
        var jenis: String?
        var kanal: String?
        var wilayah: String?
        var dari: String?
        var sampai: String?
        var q: String?
        var sesudah: String?
    }

    struct Tab: Encodable { let key: String; let label: String; let count: String; let current: Bool; let link: String }

    /// Tabs count this far and then say "1000+": past it the number changes nothing for the reader.
    static let countCap = 1_000
    struct Row: Encodable {
        let trackingID: String
        let title: String
        let state: String
        let stateKey: String
        let holder: String
        let due: String?
        let light: String?
        let channel: String
        let received: String
    }

    /// The columns an inbox row shows, read as plain rows: decoding fifty whole report models was a fifth of the page.
    struct Listed: Decodable {
        let id: Int64
        let tracking_id: String
        let title: String
        let state: String
        let holder_id: Int64
        let channel: String
        let created_at: Date
        let sla_stage: String?
        let stage_due_at: Date?
        let yellow_at: Date?
        let case_due_at: Date?
        let held_at: Date?

        static let columns = ["id", "tracking_id", "title", "state", "holder_id", "channel", "created_at", "sla_stage", "stage_due_at",
                              "yellow_at", "case_due_at", "held_at"]

        /// The part of the report's deadlines a row shows (its light and due moment).
        var sla: SLAStatus {
            SLAStatus(stage: sla_stage.flatMap(SLAStage.init(rawValue:)), stageDueAt: stage_due_at, yellowAt: yellow_at,
                      caseDueAt: case_due_at, heldAt: held_at)
        }
    }

    struct Page: Encodable {
        let tabs: [Tab]
        let tab: String
        let tabLabel: String
        let filters: Filters
        let institutions: [Choice]
        let categories: [Choice]
        let classifications: [Choice]
        let channels: [Choice]
        let provinces: [Choice]
        let rows: [Row]?
        let nextLink: String?
        let caption: String
        let targets: [Choice]
        let notice: String?
        let csvLink: String
    }

    static func staff(_ req: Request) throws -> SignedInUser? {
        guard let user = req.signedInUser else { return nil }
        guard user.isStaff else { throw APIError.forbidden }
        return user
    }

    @Sendable static func inbox(_ req: Request) async throws -> Response {
        guard let user = try staff(req) else { return req.seeOther("/masuk?next=/kelola/kotak") }
        let filters = (try? req.query.decode(Filters.self)) ?? Filters()
        let tab = filters.tab.flatMap(InboxTab.init(rawValue:)) ?? .new
        let scope = VisibilityPolicy.listScope(for: .user(user.actor))
        let narrowing = try await narrowed(filters, for: user, scope: scope, on: req)

        let tabFilters = InboxTab.allCases.map { candidate in
            var filter = candidate.filter(for: user)
            narrowing(&filter)
            return filter
        }
        let now = req.now
        let plans = req.tanggap.searchPlans
        let counts = try await req.sideBySide(tabFilters) { filter, db in
            try await ReportQueries.count(filter, scope: scope, now: now, upTo: countCap, remembering: plans, on: db)
        }
        let tabs = zip(InboxTab.allCases, counts).map { candidate, count in
            Tab(key: candidate.rawValue, label: req.text("inbox.tab.\(candidate.rawValue)"),
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
            return Row(
                trackingID: TrackingID(parsing: report.tracking_id)!.display, title: report.title,
                state: req.text("state.\(report.state)"), stateKey: report.state, holder: holders[report.holder_id] ?? "",
                due: deadlines.map { DisplayFormat.dateTime($0.dueAt, req) }, light: deadlines?.light,
                channel: req.text("channel.\(report.channel)"), received: DisplayFormat.date(report.created_at, req))
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
        return try await req.renderPage("kelola/kotak", Page(
            tabs: tabs, tab: tab.rawValue, tabLabel: req.text("inbox.tab.\(tab.rawValue)"), filters: filters,
            institutions: institutions.map { Choice(String($0.id), $0.name, selected: String($0.id) == filters.instansi) },
            categories: try await PortalChoices.categories(selected: filters.kategori.flatMap { Int64($0) }, on: req),
            classifications: PortalChoices.classifications(selected: filters.jenis, on: req),
            channels: TanggapCore.Channel.allCases.map { Choice($0.rawValue, req.text("channel.\($0.rawValue)"), selected: $0.rawValue == filters.kanal) },
            provinces: try await PortalChoices.provinces(selected: filters.wilayah.flatMap { Int64($0) }, on: req),
            rows: rows.nilIfEmpty, nextLink: next, caption: req.text(byDue ? "inbox.caption" : "inbox.caption_newest"),
            targets: institutions.filter { $0.depth > 0 }.map { Choice(String($0.id), $0.name) }, notice: notice,
            csvLink: link(filters, tab: tab.rawValue, after: nil).replacingOccurrences(of: "/kelola/kotak?", with: "/kelola/kotak.csv?")))
    }

    /// The filters that narrow every tab alike. A search is run once for all the tabs: when it finds few reports
    /// among the open work the tabs cut, each tab counts and lists those reports by id. (On SQLite each of the eight
    /// queries would otherwise gather a common word's matches again: 20 ms each among open reports at ten million.)
    static func narrowed(
        _ filters: Filters, for user: SignedInUser, scope: ListScope, on req: Request
    ) async throws -> (inout ReportFilter) -> Void {
        let narrowing = try await narrowedAlike(filters, on: req)
        var searched = InboxTab.openWork(for: user)
        narrowing(&searched)
        guard searched.text?.isEmpty == false,
              let found = try await ReportQueries.ids(
                searched, scope: scope, now: req.now, upTo: ReportQueries.fewReports, remembering: req.tanggap.searchPlans, on: req.db)
        else { return narrowing }
        return { filter in
            narrowing(&filter)
            filter.text = nil
            filter.ids = found
        }
    }

    private static func narrowedAlike(_ filters: Filters, on req: Request) async throws -> (inout ReportFilter) -> Void {
        func id(_ text: String?) -> Int64? { text.flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil } }
        let institution = try await id(filters.instansi).asyncMap { try await InstitutionDirectory.find($0, on: req.db) } ?? nil
        let zone = req.tanggap.settings.timeZone
        let from = filters.dari.flatMap(LocalDate.init(iso:)).map { Workplace.start(of: $0, in: zone) }
        let until = filters.sampai.flatMap(LocalDate.init(iso:)).map { Workplace.start(of: $0.adding(days: 1), in: zone) }
        let text = filters.q.map { String($0.trimmingCharacters(in: .whitespaces).prefix(100)) }
        return { filter in
            if let institution { filter.institution = institution.path }
            filter.categoryID = id(filters.kategori)
            filter.classification = filters.jenis.flatMap(Classification.init(rawValue:))
            filter.channel = filters.kanal.flatMap(TanggapCore.Channel.init(rawValue:))
            filter.regionID = id(filters.wilayah)
            filter.createdFrom = from
            filter.createdBefore = until
            filter.text = text
        }
    }

    static func link(_ filters: Filters, tab: String, after: String?) -> String {
        var components = URLComponents()
        components.path = "/kelola/kotak"
        components.queryItems = [("tab", tab), ("instansi", filters.instansi), ("kategori", filters.kategori), ("jenis", filters.jenis),
                                 ("kanal", filters.kanal), ("wilayah", filters.wilayah), ("dari", filters.dari),
                                 ("sampai", filters.sampai), ("q", filters.q), ("sesudah", after)]
            .compactMap { name, value in value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) } }
        return components.string ?? "/kelola/kotak"
    }

    /// `<due in ms>.<id>` or `<id>`.
    static func parse(_ cursor: String) -> (Date?, Int64?) {
        let parts = cursor.split(separator: ".")
        if parts.count == 2, let ms = Int64(parts[0]), let id = Int64(parts[1]) { return (Date(timeIntervalSince1970: Double(ms) / 1000), id) }
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
        guard let user = try staff(req) else { return req.seeOther("/masuk?next=/kelola/kotak") }
        let input = try req.content.decode(Bulk.self)
        var request = ActionRequest()
        let kind: EventKind
        switch input.action {
        case "dispatch":
            kind = .dispatch
            request.institutionID = input.institution_id.flatMap { Int64($0) }
        case "spam":
            kind = .archive
            request.archiveReason = ArchiveReason.spam.rawValue
        default:
            throw APIError.field("action", .invalid)
        }
        var done = 0, failed = 0
        for raw in (input.ids ?? []).prefix(100) {
            guard let id = TrackingID(parsing: raw), let report = try await ReportQueries.find(trackingID: id, on: req.db) else { failed += 1; continue }
            do {
                _ = try await ReportActions.perform(
                    kind, request, on: report.id!, by: .user(user.actor), attributedTo: .user(id: user.id, institutionID: user.institutionID),
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

/// Where a staff member works: the institutions in their subtrees, for pickers and filters.
enum Workplace {
    struct Place: Sendable { let id: Int64; let name: String; let depth: Int }

    static func institutions(of user: SignedInUser, on req: Request) async throws -> [Place] {
        var seen = Set<Int64>(), places: [Place] = []
        for grant in user.grants {
            // Paths start with their ancestors' paths: a prefix match is the subtree.
            for row in try await InstitutionDirectory.subtree(of: grant.scope, limit: 500, on: req.db) where seen.insert(row.id).inserted {
                places.append(Place(id: row.id, name: String(repeating: "· ", count: max(0, row.depth - grant.scope.depth)) + row.name, depth: row.depth - grant.scope.depth))
            }
        }
        return places
    }

    /// The institution a staff page looks at: `?instansi=` or the person's first grant, never outside the subtrees
    /// of the grants that read reports (an operator's does not: `Role.readsReports`).
    static func chosenInstitution(for user: SignedInUser, on req: Request) async throws -> Institution {
        let reading = user.grants.filter(\.role.readsReports)
        let institution: Institution
        if let id = try? req.query.get(Int64.self, at: "instansi") {
            guard let found = try await InstitutionDirectory.find(id, on: req.db) else { throw APIError.notFound }
            institution = found
        } else if let first = reading.first, let found = try await InstitutionDirectory.find(first.scope.institutionID, on: req.db) {
            institution = found
        } else {
            throw APIError.forbidden
        }
        guard reading.contains(where: { $0.covers(institution.path) }) else { throw APIError.forbidden }
        return institution
    }

    static func start(of day: LocalDate, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day)) ?? Date()
    }
}
