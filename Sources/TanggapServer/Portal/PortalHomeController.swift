import Foundation
import TanggapCore
import Vapor

/// `/`: what Tanggap does in three steps, the way in, live figures and the newest published reports.
enum PortalHomeController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(use: home)
    }

    struct Home: Encodable {
        let thisMonth: String
        let inTime: String
        let medianDays: String
        let items: [ReportSummary]?
    }

    @Sendable static func home(_ req: Request) async throws -> Response {
        let zone = req.tanggap.settings.timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let monthStart = calendar.date(from: calendar.dateComponents([.year, .month], from: req.now)) ?? req.now
        var figures = PerformanceFigures()
        if let root = try await InstitutionDirectory.root(on: req.db) {
            figures = try await PublicStatistics.compute(
                under: root, since: StatisticsController.Period.year.start(before: req.now), now: req.now, on: req.db).overall
        }
        var page = PageRequest()
        page.limit = 5
        let (newest, _) = try await ReportQueries.list(
            ReportFilter(), scope: VisibilityPolicy.listScope(for: .publicVisitor), page: page, now: req.now, on: req.db)
        return try await req.renderPage("portal/beranda", Home(
            thisMonth: DisplayFormat.number(try await PublicStatistics.received(since: monthStart, on: req.db), req),
            inTime: DisplayFormat.percent(figures.inTimePercent),
            medianDays: DisplayFormat.decimal(figures.medianDaysToFirstAnswer, req),
            items: try await ReportSummary.list(newest, on: req).nilIfEmpty))
    }
}
