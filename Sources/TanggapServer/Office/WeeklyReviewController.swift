import Fluent
import Foundation
import TanggapCore
import Vapor

/// `/kelola/tinjauan` (printable) and `/kelola/tinjauan.csv`: the weekly review of one institution.
enum WeeklyReviewController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("kelola", "tinjauan", use: page)
        pages.get("kelola", "tinjauan.csv", use: csv)
    }

    struct ReportLine: Encodable {
        let trackingID: String
        let title: String
        let detail: String
        let when: String
    }
    struct Topic: Encodable {
        let term: String
        let thisWeek: Int
        let before: String
    }
    struct Review: Encodable {
        let institution: String
        let week: String
        let weekLabel: String
        let previousWeek: String
        let nextWeek: String?
        let received: [ReportLine]?
        let receivedCount: Int
        /// Said under a list cut at `shownOnPage`.
        let receivedMore: String?
        let red: [ReportLine]?
        let redMore: String?
        let answerers: [Topic]?
        let identityOpenings: String
        let risingTerms: [Topic]?
        let risingCategories: [Topic]?
        let risingProblems: [RisingProblem]?
        let csvLink: String
    }

    /// Reports listed on the page per list (the CSV holds every one): at the national level a week's lists ran to 500
    /// rows each and the page to 207 KB, past the 150 KB a staff page may weigh.
    static let shownOnPage = 100

    /// The institution (one's own by default, nothing outside one's subtrees) and the Monday that starts the week.
    static func scope(_ req: Request) async throws -> (SignedInUser, Institution, LocalDate)? {
        guard let user = try req.signedInStaff() else { return nil }
        let institution = try await Workplace.chosenInstitution(for: user, on: req)
        let zone = req.tanggap.settings.timeZone
        let chosen = (try? req.query.get(String.self, at: "minggu")).flatMap(LocalDate.init(iso:)) ?? LocalDate(req.now, in: zone)
        return (user, institution, chosen.adding(days: -((chosen.weekday + 6) % 7)))
    }

    static func load(_ req: Request) async throws -> (Institution, LocalDate, WeeklyReview.Result, NameBook)? {
        guard let (_, institution, monday) = try await scope(req) else { return nil }
        let start = Workplace.start(of: monday, in: req.tanggap.settings.timeZone)
        let result = try await WeeklyReview.compute(
            under: institution, weekStart: start, now: req.now, closedWeeks: req.tanggap.closedWeeks, on: req.db,
            alongside: Array(req.readDatabases(upTo: 2).dropFirst()))
        var names = NameBook()
        let holders = Set(result.received.map(\.holder_id) + result.red.map(\.holder_id))
        names.institutions = try await InstitutionDirectory.names(holders, on: req.db)
        return (institution, monday, result, names)
    }

    @Sendable static func page(_ req: Request) async throws -> Response {
        guard let (institution, monday, result, names) = try await load(req) else { return req.seeOther("/masuk?next=/kelola/tinjauan") }
        func topics(_ list: [RisingTopics.Topic]) -> [Topic]? {
            list.map { Topic(term: $0.term, thisWeek: $0.thisWeek, before: DisplayFormat.decimal($0.weeklyBefore, req)) }.nilIfEmpty
        }
        let base = "/kelola/tinjauan?instansi=\(institution.id)&minggu="
        let today = LocalDate(req.now, in: req.tanggap.settings.timeZone)
        func more(_ count: Int) -> String? {
            count > shownOnPage
                ? req.text("review.more", ["shown": String(shownOnPage), "total": DisplayFormat.number(count, req)]) : nil
        }
        let review = Review(
            institution: institution.name, week: monday.iso,
            weekLabel: "\(DisplayFormat.day(monday, req)) – \(DisplayFormat.day(monday.adding(days: 6), req))",
            previousWeek: base + monday.adding(days: -7).iso,
            nextWeek: monday.adding(days: 7) <= today ? base + monday.adding(days: 7).iso : nil,
            received: result.received.prefix(shownOnPage).map { r in
                ReportLine(
                    trackingID: TrackingID(stored: r.tracking_id).display, title: r.title,
                    detail: names.institution(r.holder_id)?.name ?? "",
                    when: DisplayFormat.dateTime(r.created_at, req))
            }.nilIfEmpty,
            receivedCount: result.received.count, receivedMore: more(result.received.count),
            red: result.red.prefix(shownOnPage).map { r in
                ReportLine(
                    trackingID: TrackingID(stored: r.tracking_id).display, title: r.title,
                    detail: names.institution(r.holder_id)?.name ?? "",
                    when: DisplayFormat.dateTime(r.stage_due_at.addingTimeInterval(1), req))
            }.nilIfEmpty,
            redMore: more(result.red.count),
            answerers: result.answerers.map { Topic(term: "\($0.name) (\($0.institution))", thisWeek: $0.answers, before: "") }.nilIfEmpty,
            identityOpenings: req.text("review.reveals", ["count": String(result.identityOpenings)]),
            risingTerms: topics(result.risingTerms), risingCategories: topics(result.risingCategories),
            risingProblems: try await RisingProblem.lines(
                try await req.tanggap.incidents.rising(
                    under: institution, weekStart: Workplace.start(of: monday, in: req.tanggap.settings.timeZone), now: req.now, on: req.db),
                on: req),
            csvLink: "/kelola/tinjauan.csv?instansi=\(institution.id)&minggu=\(monday.iso)")
        return try await req.renderPage("kelola/tinjauan", review)
    }

    @Sendable static func csv(_ req: Request) async throws -> Response {
        guard let (institution, monday, result, names) = try await load(req) else { throw APIError.authenticationRequired }
        var writer = CSVWriter(header: ["section", "tracking_id", "title", "institution", "at", "count", "weekly_before"])
        func iso(_ date: Date) -> String { date.formatted(.iso8601) }
        for r in result.received {
            writer.append([
                "received", TrackingID(stored: r.tracking_id).display, r.title, names.institution(r.holder_id)?.name ?? "",
                iso(r.created_at), "", "",
            ])
        }
        for r in result.red {
            writer.append([
                "red_since", TrackingID(stored: r.tracking_id).display, r.title, names.institution(r.holder_id)?.name ?? "",
                iso(r.stage_due_at.addingTimeInterval(1)), "", "",
            ])
        }
        for a in result.answerers { writer.append(["answered_by", "", a.name, a.institution, "", String(a.answers), ""]) }
        writer.append(["identity_openings", "", "", institution.name, "", String(result.identityOpenings), ""])
        for t in result.risingTerms {
            writer.append(["rising_term", "", t.term, "", "", String(t.thisWeek), String(format: "%.2f", t.weeklyBefore)])
        }
        for t in result.risingCategories {
            writer.append(["rising_category", "", t.term, "", "", String(t.thisWeek), String(format: "%.2f", t.weeklyBefore)])
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"tinjauan-\(institution.id)-\(monday.iso).csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(string: writer.text))
    }
}
