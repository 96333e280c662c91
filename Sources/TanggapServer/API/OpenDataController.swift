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

    /// The columns an export row needs, read as plain rows: decoding a thousand whole models per page was most of
    /// the export's time.
    struct Stored: Decodable {
        let id: Int64
        let tracking_id: String
        let title: String
        let classification: String
        let category_id: Int64?
        let region_id: Int64?
        let holder_id: Int64
        let state: String
        let channel: String
        let created_at: Date
        let verified_at: Date?
        let first_answered_at: Date?
        let first_answer_late: Bool?
        let completed_at: Date?
        let rating: String?
        let support_count: Int
        let is_public: Bool

        static let columns = [
            "id", "tracking_id", "title", "classification", "category_id", "region_id", "holder_id", "state", "channel",
            "created_at", "verified_at", "first_answered_at", "first_answer_late", "completed_at", "rating",
            "support_count", "is_public",
        ]
    }

    /// All published reports, oldest first, a page at a time.
    static func eachPage(on req: Request, _ each: ([Record]) async throws -> Void) async throws {
        var page = PageRequest()
        page.limit = 1_000
        page.oldestFirst = true
        while true {
            let (rows, more) = try await ReportQueries.list(
                Stored.columns, as: Stored.self, ReportFilter(), scope: VisibilityPolicy.listScope(for: .publicVisitor), page: page,
                now: req.now, on: req.db)
            let categories = try await NameBook.names(in: "categories", Set(rows.compactMap(\.category_id)), on: req.db)
            let regions = try await NameBook.names(in: "regions", Set(rows.compactMap(\.region_id)), on: req.db)
            let holders = try await NameBook.names(in: "institutions", Set(rows.map(\.holder_id)), on: req.db)
            try await each(
                rows.filter(\.is_public).map { r in
                    Record(
                        trackingId: TrackingID(stored: r.tracking_id).display, title: r.title, classification: r.classification,
                        category: r.category_id.flatMap { categories[$0] }, region: r.region_id.flatMap { regions[$0] },
                        holder: holders[r.holder_id] ?? "", state: r.state, channel: r.channel, createdAt: r.created_at,
                        verifiedAt: r.verified_at, firstAnsweredAt: r.first_answered_at, firstAnswerInTime: r.first_answer_late.map { !$0 },
                        completedAt: r.completed_at, rating: r.rating, supportCount: r.support_count)
                })
            guard more, let last = rows.last?.id else { break }
            page.after = last
        }
    }

    /// The export written as it is read, a page at a time: millions of reports never sit in memory at once.
    /// `page` turns one page of records into text (`first` tells it whether anything came before).
    static func streamed(
        _ req: Request, _ contentType: HTTPMediaType, opening: String, closing: String,
        page: @escaping @Sendable (_ records: [Record], _ first: Bool) throws -> String
    ) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = contentType
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        let body = Response.Body(asyncStream: { writer in
            do {
                try await writer.write(.buffer(ByteBuffer(string: opening)))
                var first = true
                try await eachPage(on: req) { records in
                    guard !records.isEmpty else { return }
                    try await writer.write(.buffer(ByteBuffer(string: try page(records, first))))
                    first = false
                }
                try await writer.write(.buffer(ByteBuffer(string: closing)))
                try await writer.write(.end)
            } catch {
                // The status has gone out already: the reader sees a cut-off download, the log says why.
                req.logger.error("open-data export stopped", metadata: ["error": .string(String(describing: error))])
                try? await writer.write(.error(error))
            }
        })
        return Response(status: .ok, headers: headers, body: body)
    }

    @Sendable static func csv(_ req: Request) async throws -> Response {
        let header = CSVWriter.line([
            "tracking_id", "title", "classification", "category", "region", "holder", "state", "channel", "created_at", "verified_at",
            "first_answered_at", "first_answer_in_time", "completed_at", "rating", "support_count",
        ])
        @Sendable func iso(_ date: Date?) -> String { date.map { $0.formatted(.iso8601) } ?? "" }
        let response = streamed(
            req, HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]), opening: header, closing: ""
        ) { records, _ in
            records.map { r in
                CSVWriter.line([
                    r.trackingId, r.title, r.classification, r.category ?? "", r.region ?? "", r.holder, r.state, r.channel,
                    iso(r.createdAt), iso(r.verifiedAt), iso(r.firstAnsweredAt), r.firstAnswerInTime.map { $0 ? "true" : "false" } ?? "",
                    iso(r.completedAt), r.rating ?? "", String(r.supportCount),
                ])
            }.joined()
        }
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"tanggap-laporan-publik.csv\"")
        return response
    }

    /// `{"items": [...]}` like every list of the API, each record encoded as the API encodes it.
    @Sendable static func json(_ req: Request) async throws -> Response {
        let encoder = try ContentConfiguration.global.requireEncoder(for: .json)
        return streamed(req, .json, opening: "{\"items\":[", closing: "]}") { records, first in
            var text = first ? "" : ","
            var headers = HTTPHeaders()
            for (index, record) in records.enumerated() {
                var buffer = ByteBuffer()
                try encoder.encode(record, to: &buffer, headers: &headers)
                if index > 0 { text += "," }
                text += String(buffer: buffer)
            }
            return text
        }
    }
}
