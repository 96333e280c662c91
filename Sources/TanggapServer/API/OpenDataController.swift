import Fluent
import Foundation
import TanggapCore
import Vapor

/// `/api/v1/open-data/reports.{csv,json}`: every published report (never rahasia, never spam, never unverified),
/// without personal data — no names, contacts or the reporter's own text; what the government did and when.
enum OpenDataController {
    static func register(_ api: any RoutesBuilder) {
        api.get("open-data", "reports.csv", use: csv)
        api.get("open-data", "reports.json", use: json)
    }

    struct Record: Content {
        let trackingId: String
        let title: String
        let classification: String
        let category: String?
        let region: String?
        let holder: String
        let state: String
        let channel: String
        let createdAt: Date
        let verifiedAt: Date?
        let firstAnsweredAt: Date?
        let firstAnswerInTime: Bool?
        let completedAt: Date?
        let rating: String?
        let supportCount: Int
    }

    static let maxRecords = 1_000_000

    /// All published reports, oldest first, a page at a time.
    static func records(on req: Request, _ each: ([Record]) throws -> Void) async throws {
        var page = PageRequest()
        page.limit = 1_000
        page.oldestFirst = true
        var count = 0
        while count < maxRecords {
            let (reports, more) = try await ReportQueries.list(
                ReportFilter(), scope: VisibilityPolicy.listScope(for: .publicVisitor), page: page, now: req.now, on: req.db)
            let names = try await NameBook.load(reports: reports, on: req.db)
            try each(reports.filter(\.isPublic).map { r in
                Record(trackingId: TrackingID(parsing: r.trackingID)!.display, title: r.title, classification: r.classification,
                       category: names.category(r.categoryID)?.name, region: names.region(r.regionID)?.name,
                       holder: names.institution(r.holderID)?.name ?? "", state: r.state, channel: r.channel, createdAt: r.createdAt,
                       verifiedAt: r.verifiedAt, firstAnsweredAt: r.firstAnsweredAt, firstAnswerInTime: r.firstAnswerLate.map { !$0 },
                       completedAt: r.completedAt, rating: r.rating, supportCount: r.supportCount)
            })
            count += reports.count
            guard more, let last = reports.last?.id else { break }
            page.after = last
        }
    }

    @Sendable static func csv(_ req: Request) async throws -> Response {
        var writer = CSVWriter(header: [
            "tracking_id", "title", "classification", "category", "region", "holder", "state", "channel", "created_at", "verified_at",
            "first_answered_at", "first_answer_in_time", "completed_at", "rating", "support_count",
        ])
        func iso(_ date: Date?) -> String { date.map { $0.formatted(.iso8601) } ?? "" }
        try await records(on: req) { batch in
            for r in batch {
                writer.append([r.trackingId, r.title, r.classification, r.category ?? "", r.region ?? "", r.holder, r.state, r.channel,
                               iso(r.createdAt), iso(r.verifiedAt), iso(r.firstAnsweredAt), r.firstAnswerInTime.map { $0 ? "true" : "false" } ?? "",
                               iso(r.completedAt), r.rating ?? "", String(r.supportCount)])
            }
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"tanggap-laporan-publik.csv\"")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: writer.text))
    }

    @Sendable static func json(_ req: Request) async throws -> Response {
        var all: [Record] = []
        try await records(on: req) { all += $0 }
        let response = try await Items(items: all).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return response
    }
}
