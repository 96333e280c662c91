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
        var year = PerformanceFigures(), month = PerformanceFigures()
        if let root = try await InstitutionDirectory.root(on: req.db) {
            let twelveMonths = StatisticsPeriod.twelveMonths.tallyPeriods(now: req.now, zone: zone)
            let thisMonth = StatisticsPeriod.thisMonth.tallyPeriods(now: req.now, zone: zone)
            year = try await InstitutionFigures.overall(
                of: root.id, periods: twelveMonths, cache: req.tanggap.figures, now: req.now, on: req.db)
            month = try await InstitutionFigures.overall(
                of: root.id, periods: thisMonth, cache: req.tanggap.figures, now: req.now, on: req.db)
        }
        var page = PageRequest()
        page.limit = 5
        let (newest, _) = try await ReportQueries.list(
            ReportFilter(), scope: VisibilityPolicy.listScope(for: .publicVisitor), page: page, now: req.now, on: req.db)
        return try await req.renderPage(
            "portal/beranda",
            Home(
                thisMonth: DisplayFormat.number(month.received, req),
                inTime: DisplayFormat.percent(year.inTimePercent),
                medianDays: DisplayFormat.decimal(year.medianWorkingDaysToFirstAnswer, req),
                items: try await ReportSummary.list(newest, on: req).nilIfEmpty))
    }
}
