import Fluent
import Foundation
import TanggapCore
import Vapor

/// CSV of any inbox list, exactly as the person may see it: the reporter's contact only where the visibility
/// policy lets them know it, and never beyond their scope.
enum ListExport {
    static let maxRows = 100_000
    static let header = [
        "tracking_id", "title", "state", "classification", "category", "holder", "region", "channel", "created_at", "due_at", "light",
        "first_answered_at", "first_answer_late", "completed_at", "rating", "reporter_name", "reporter_phone", "reporter_email",
    ]

    static func register(_ pages: any RoutesBuilder) {
        pages.get("kelola", "kotak.csv", use: csv)
    }

    @Sendable static func csv(_ req: Request) async throws -> Response {
        guard let user = try req.signedInStaff() else { throw APIError.authenticationRequired }
        let filters = (try? req.query.decode(InboxFilters.self)) ?? InboxFilters()
        let tab = filters.tab.flatMap(InboxTab.init(rawValue:)) ?? .new
        let viewer = Viewer.user(user.actor)
        let scope = VisibilityPolicy.listScope(for: viewer)
        var filter = tab.filter(for: user)
        try await filters.narrowing(for: user, scope: scope, on: req)(&filter)
        var writer = CSVWriter(header: header)
        var page = PageRequest()
        page.limit = 1_000
        var written = 0
        func iso(_ date: Date?) -> String { date.map { $0.formatted(.iso8601) } ?? "" }
        while written < maxRows {
            let (reports, more) = try await ReportQueries.list(
                filter, scope: scope, page: page, now: req.now, remembering: req.tanggap.searchPlans, on: req.db)
            let names = try await NameBook.load(reports: reports, on: req.db)
            let routes = try await ReportHistory.routes(of: reports.map { $0.id! }, on: req.db)
            for report in reports {
                guard let access = VisibilityPolicy.access(for: viewer, to: report.privacy(route: routes[report.id!] ?? [])) else {
                    continue
                }
                let reporter = report.reporter(for: access)
                writer.append([
                    report.trackingID.display, report.title, report.state.rawValue, report.classification.rawValue,
                    names.category(report.categoryID)?.name ?? "", names.institution(report.holderID)?.name ?? "",
                    names.region(report.regionID)?.name ?? "", report.channel.rawValue, iso(report.createdAt), iso(report.stageDueAt),
                    SLAClock.light(of: report.sla, at: req.now)?.rawValue ?? "", iso(report.firstAnsweredAt),
                    report.firstAnswerLate.map { $0 ? "true" : "false" } ?? "", iso(report.completedAt), report.rating?.rawValue ?? "",
                    reporter?.name ?? "", reporter?.phone ?? "", reporter?.email ?? "",
                ])
                written += 1
            }
            guard more, let last = reports.last?.id else { break }
            page.after = last
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"tanggap-\(tab.rawValue).csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(string: writer.text))
    }
}
