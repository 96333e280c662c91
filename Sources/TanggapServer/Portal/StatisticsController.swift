import Fluent
import Foundation
import TanggapCore
import Vapor

/// `/statistik`: how every institution and province did, as a ranking, a chart, tables and CSV.
enum StatisticsController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("statistik", use: page)
        pages.get("statistik.csv", use: csv)
    }

    /// Bodies ranked per page: a page of the national ranking stays well under the public pages' 60 KB.
    static let rankedPerPage = 50

    /// The periods one may look at; the default is the last twelve months.
    struct Line: Encodable {
        let id: String
        let name: String
        let link: String?
        let received: String
        let inTime: String
        let tone: String
        let late: String
        let completed: String
        let median: String
        let satisfied: String
        let rank: Int
    }

    struct Statistics: Encodable {
        let institution: String
        let parentLink: String?
        let periods: [Choice]
        let period: String
        let overall: Line
        let silent: String?
        let chart: BarChart?
        let institutions: [Line]?
        let pager: RankingPages.Pager?
        let regions: [Line]?
        let csvLink: String
        /// At the top of the tree, for the twelve months: each federation peer's own figures, with where and when
        /// they were read, and the reports received across every instance, each counted once.
        var peers: [PeerLine]? = nil
        var acrossInstances: String? = nil
    }

    struct PeerLine: Encodable {
        let name: String
        let source: String
        let received: String
        let inTime: String
        let tone: String
        let completed: String
        let satisfied: String
        let fetchedAt: String
    }

    /// The institution looked at (the national level unless `instansi` names another) and the period.
    private static func scope(_ req: Request) async throws -> (Institution, StatisticsPeriod) {
        let period = (try? req.query.get(String.self, at: "periode")).flatMap(StatisticsPeriod.init(rawValue:)) ?? .twelveMonths
        if let id = try? req.query.get(Int64.self, at: "instansi") {
            guard let institution = try await InstitutionDirectory.find(id, on: req.db) else { throw APIError.notFound }
            return (institution, period)
        }
        guard let root = try await InstitutionDirectory.root(on: req.db) else {
            throw APIError(status: .serviceUnavailable, code: "not_set_up")
        }
        return (root, period)
    }

    @Sendable static func page(_ req: Request) async throws -> Response {
        let (institution, period) = try await scope(req)
        let result = try await PublicStatistics.compute(
            under: institution, periods: period.tallyPeriods(now: req.now, zone: req.tanggap.settings.timeZone),
            cache: req.tanggap.figures, now: req.now, on: req.db)
        // Institutions without a report in the period are counted, not ranked.
        let ranked = result.institutions.filter { $0.figures.received > 0 }.sorted { PerformanceRanking.precedes($0.figures, $1.figures) }
        let silent = result.institutions.count - ranked.count
        let pages = RankingPages(total: ranked.count, perPage: rankedPerPage, on: req) { page in
            "/statistik?instansi=\(institution.id)&periode=\(period.rawValue)&halaman=\(page)#peringkat"
        }
        let hasChildren = try await InstitutionDirectory.parents(among: pages.shown.map { ranked[$0].id }, on: req.db)
        func name(_ row: PublicStatistics.UnitFigures) -> String {
            row.id == institution.id ? req.text("stats.directly", ["institution": row.name]) : row.name
        }
        func line(_ row: PublicStatistics.UnitFigures, rank: Int, drill: Bool) -> Line {
            let f = row.figures
            return Line(
                id: String(row.id),
                name: drill ? name(row) : row.name,
                link: drill && row.id != institution.id && hasChildren.contains(row.id)
                    ? "/statistik?instansi=\(row.id)&periode=\(period.rawValue)" : nil,
                received: DisplayFormat.number(f.received, req), inTime: DisplayFormat.percent(f.inTimePercent),
                tone: BarChart.trafficLight(f.inTimePercent), late: DisplayFormat.number(f.lateNow, req),
                completed: DisplayFormat.number(f.completed, req), median: DisplayFormat.decimal(f.medianWorkingDaysToFirstAnswer, req),
                satisfied: DisplayFormat.percent(f.satisfiedPercent), rank: rank)
        }
        let lines = pages.shown.map { line(ranked[$0], rank: $0 + 1, drill: true) }
        // The chart shows the twelve first of the whole ranking, whichever part of the table is shown.
        let charted = ranked.prefix(12).map { (label: name($0), percent: $0.figures.inTimePercent) }
        let chart =
            charted.isEmpty
            ? nil
            : BarChart(
                title: req.text("stats.chart_title", ["institution": institution.name]),
                summary: charted.map { "\($0.label): \(DisplayFormat.percent($0.percent))" }.joined(separator: "; "),
                items: charted, tone: BarChart.trafficLight)
        let regions = result.regions.filter { $0.figures.received > 0 }.sorted { PerformanceRanking.precedes($0.figures, $1.figures) }
        let statistics = Statistics(
            institution: institution.name,
            parentLink: institution.parentID.map { "/statistik?instansi=\($0)&periode=\(period.rawValue)" },
            periods: StatisticsPeriod.allCases.map { Choice($0.rawValue, req.text("stats.period_\($0.rawValue)"), selected: $0 == period) },
            period: period.rawValue,
            overall: line(
                PublicStatistics.UnitFigures(id: institution.id, name: institution.name, figures: result.overall), rank: 0, drill: false),
            silent: silent > 0 ? req.text("stats.silent", ["count": String(silent)]) : nil,
            chart: chart, institutions: lines.nilIfEmpty, pager: pages.pager,
            regions: regions.enumerated().map { line($0.element, rank: $0.offset + 1, drill: false) }.nilIfEmpty,
            csvLink: "/statistik.csv?instansi=\(institution.id)&periode=\(period.rawValue)")
        return try await req.renderPage("portal/statistik", try await withPeers(statistics, at: institution, period: period, on: req))
    }

    /// The peers' figures, shown only where they compare: the whole tree, over the twelve months they cover.
    private static func withPeers(
        _ statistics: Statistics, at institution: Institution, period: StatisticsPeriod, on req: Request
    ) async throws -> Statistics {
        guard institution.parentID == nil, period == .twelveMonths else { return statistics }
        let peers = try await FederationFigures.stored(on: req.db)
        guard !peers.isEmpty else { return statistics }
        let own = try await FederationFigures.own(context: req.tanggap, now: req.now, on: req.db)
        let lines = peers.map { peer in
            var f = PerformanceFigures()
            let p = peer.figures
            (f.received, f.answered, f.answeredInTime, f.completed, f.rated, f.satisfied) =
                (p.received, p.answered, p.answeredInTime, p.completed, p.rated, p.satisfied)
            return PeerLine(
                name: p.name, source: peer.source, received: DisplayFormat.number(f.received, req),
                inTime: DisplayFormat.percent(f.inTimePercent), tone: BarChart.trafficLight(f.inTimePercent),
                completed: DisplayFormat.number(f.completed, req), satisfied: DisplayFormat.percent(f.satisfiedPercent),
                fetchedAt: DisplayFormat.dateTime(peer.fetchedAt, req))
        }
        // A case handed between instances is in the figures of both: counted once, where it was first filed.
        let once = ([own] + peers.map(\.figures)).reduce(0) { $0 + max(0, $1.received - $1.handedIn) }
        var result = statistics
        result.peers = lines
        result.acrossInstances = req.text(
            "stats.across_instances", ["count": DisplayFormat.number(once, req), "instances": String(peers.count + 1)])
        return result
    }

    /// The same figures as the page, for spreadsheets: one row per institution and per province.
    @Sendable static func csv(_ req: Request) async throws -> Response {
        let (institution, period) = try await scope(req)
        let result = try await PublicStatistics.compute(
            under: institution, periods: period.tallyPeriods(now: req.now, zone: req.tanggap.settings.timeZone),
            cache: req.tanggap.figures, now: req.now, on: req.db)
        var csv = CSVWriter(header: [
            "level", "id", "name", "received", "answered", "answered_in_time", "answered_in_time_percent", "late_now", "completed",
            "median_working_days_to_first_answer", "rated", "satisfied", "satisfied_percent",
        ])
        func add(_ level: String, _ row: PublicStatistics.UnitFigures) {
            let f = row.figures
            func number(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "" }
            csv.append([
                level, String(row.id), row.name, String(f.received), String(f.answered), String(f.answeredInTime),
                number(f.inTimePercent), String(f.lateNow), String(f.completed), number(f.medianWorkingDaysToFirstAnswer),
                String(f.rated), String(f.satisfied), number(f.satisfiedPercent),
            ])
        }
        add("total", PublicStatistics.UnitFigures(id: institution.id, name: institution.name, figures: result.overall))
        for row in result.institutions.sorted(by: { PerformanceRanking.precedes($0.figures, $1.figures) }) { add("institution", row) }
        for row in result.regions where row.figures.received > 0 { add("province", row) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"tanggap-statistik-\(institution.id)-\(period.rawValue).csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return Response(status: .ok, headers: headers, body: .init(string: csv.text))
    }
}
