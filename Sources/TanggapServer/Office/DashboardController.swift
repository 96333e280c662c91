import Fluent
import Foundation
import TanggapCore
import Vapor

/// `/kelola/dasbor`: how an institution and each of its units are doing, ranked, with drill-down down the tree
/// and the people who do the work.
enum DashboardController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("kelola", "dasbor", use: page)
    }

    struct Line: Encodable {
        let name: String
        let link: String?
        let rank: Int
        let received: Int
        let open: Int
        let green: Int
        let yellow: Int
        let red: Int
        let inTime: String
        let tone: String
        let medianWorkingDays: String
        let completed: String
        let satisfied: String
        let bounced: String
    }

    struct Member: Encodable {
        let name: String
        let role: String
        let institution: String
        let lastLogin: String
        let actions: Int
    }

    /// Units shown at once. The national level ranks over 500 bodies: one table of all of them took longer to
    /// render than any other part of the page (p95 past 100 ms), and a hundred at a time reads better.
    static let unitsPerPage = 100

    struct Page: Encodable {
        let institution: String
        let upLink: String?
        let periods: [Choice]
        let period: String
        let overall: Line
        let units: [Line]?
        let pager: RankingPages.Pager?
        let people: [Member]?
        /// This week's rising problems so far (the weekly review has any week's).
        let risingProblems: [RisingProblem]?
    }

    @Sendable static func page(_ req: Request) async throws -> Response {
        guard let user = try req.signedInStaff() else { return req.seeOther("/masuk?next=/kelola/dasbor") }
        let period = (try? req.query.get(String.self, at: "periode")).flatMap(StatisticsPeriod.init(rawValue:)) ?? .twelveMonths
        // A dashboard shows one's own part of the tree, and nothing above it.
        let institution = try await Workplace.chosenInstitution(for: user, on: req)

        let periods = period.tallyPeriods(now: req.now, zone: req.tanggap.settings.timeZone)
        let result = try await Dashboard.compute(
            under: institution, periods: periods, cache: req.tanggap.figures, now: req.now, on: req.db)
        let ranked = result.units.filter { $0.figures.received > 0 }.sorted { PerformanceRanking.precedes($0.figures, $1.figures) }
        let pages = RankingPages(total: ranked.count, perPage: unitsPerPage, on: req) { page in
            "/kelola/dasbor?instansi=\(institution.id)&periode=\(period.rawValue)&halaman=\(page)"
        }
        let shown = pages.shown
        let withChildren = try await InstitutionDirectory.parents(among: shown.map { ranked[$0].id }, on: req.db)
        func line(_ row: Dashboard.UnitFigures, rank: Int) -> Line {
            let p = row.figures, w = row.figures
            let drill = row.id != institution.id && withChildren.contains(row.id)
            return Line(
                name: row.id == institution.id && rank > 0 ? req.text("stats.directly", ["institution": row.name]) : row.name,
                link: drill ? "/kelola/dasbor?instansi=\(row.id)&periode=\(period.rawValue)" : nil, rank: rank,
                received: w.received, open: w.open, green: w.green, yellow: w.yellow, red: w.red,
                inTime: DisplayFormat.percent(p.inTimePercent), tone: BarChart.trafficLight(p.inTimePercent),
                medianWorkingDays: DisplayFormat.decimal(w.medianWorkingDaysToFirstAnswer, req),
                completed: DisplayFormat.percent(p.completedPercent), satisfied: DisplayFormat.percent(p.satisfiedPercent),
                bounced: DisplayFormat.percent(w.bouncedPercent))
        }
        let upLink = institution.parentID.flatMap { parent -> String? in
            guard let path = institution.path.parent, user.grants.contains(where: { $0.covers(path) }) else { return nil }
            return "/kelola/dasbor?instansi=\(parent)&periode=\(period.rawValue)"
        }
        return try await req.renderPage(
            "kelola/dasbor",
            Page(
                institution: institution.name, upLink: upLink,
                periods: StatisticsPeriod.allCases.map {
                    Choice($0.rawValue, req.text("stats.period_\($0.rawValue)"), selected: $0 == period)
                },
                period: period.rawValue, overall: line(result.overall, rank: 0),
                units: shown.map { line(ranked[$0], rank: $0 + 1) }.nilIfEmpty,
                pager: pages.pager,
                people: result.people.map { person in
                    Member(
                        name: person.name, role: req.text("role.\(person.role)"), institution: person.institution,
                        lastLogin: person.last_login_at.map { DisplayFormat.dateTime($0, req) } ?? "–", actions: person.actions)
                }.nilIfEmpty,
                risingProblems: try await RisingProblem.lines(
                    try await req.tanggap.incidents.rising(under: institution, weekStart: thisWeek(req), now: req.now, on: req.db), on: req)
            ))
    }

    /// The Monday that starts the current week, in the deployment's time zone.
    static func thisWeek(_ req: Request) -> Date {
        let today = LocalDate(req.now, in: req.tanggap.settings.timeZone)
        return Workplace.start(of: today.adding(days: -((today.weekday + 6) % 7)), in: req.tanggap.settings.timeZone)
    }
}
