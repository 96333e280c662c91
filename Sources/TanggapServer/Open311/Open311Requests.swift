import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// `GET requests`, `requests/{id}` and FixMyStreet's `servicerequestupdates`: what `/laporan` may show of published
/// reports (never a rahasia or unverified one), and nothing personal — no name, contact or sealed identity.
enum Open311Requests {
    /// The most one list holds, and the longest span of time it may cover (both the spec's).
    static let maxResults = 1_000
    static let maxSpan: TimeInterval = 90 * 24 * 3600

    private struct Row: Decodable {
        let id: Int64
        let tracking_id: String
        let body: String
        let state: ReportState
        let archive_reason: ArchiveReason?
        let category_id: Int64?
        let subcategory_id: Int64?
        let holder_id: Int64
        let created_at: Date
        let updated_at: Date
        let stage_due_at: Date?
        let location_text: String?
        let latitude: Double?
        let longitude: Double?

        static let columns = """
            r.id, r.tracking_id, r.body, r.state, r.archive_reason, r.category_id, r.subcategory_id, r.holder_id, r.created_at, \
            r.updated_at, r.stage_due_at, r.location_text, r.latitude, r.longitude
            """
    }

    /// The list the query asks for: by ids (which overrides the rest, as the spec says), else by service, time
    /// and status, newest first.
    static func list(on req: Request) async throws -> [Open311Document.Request] {
        let query = try req.query.decode(Query.self).withoutEmptyValues
        var conditions: [SQLQueryString] = ["r.is_public = \(bind: true)"]
        if let ids = query.service_request_id?.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let stored = ids.prefix(maxResults).compactMap { TrackingID(parsing: $0)?.value }
            guard !stored.isEmpty else { return [] }
            conditions.append("r.tracking_id IN (\(SQLList(stored.map(SQLBind.init))))")
        } else {
            let (start, end) = try span(query, now: req.now, zone: req.tanggap.settings.timeZone)
            conditions.append("r.created_at >= \(bind: start) AND r.created_at <= \(bind: end)")
            if let codes = query.service_code?.split(separator: ",") {
                let ids = codes.compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
                guard ids.count == codes.count, !ids.isEmpty else { throw APIError.field("service_code", .invalid) }
                let list = SQLList(ids.map(SQLBind.init))
                conditions.append("(r.category_id IN (\(list)) OR r.subcategory_id IN (\(list)))")
            }
            if let raw = query.status {
                var states: Set<ReportState> = []
                for status in raw.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
                    switch status {
                    case "open": states.formUnion(ReportState.open)
                    case "closed": states.formUnion(ReportState.allCases.filter(\.isClosed))
                    default: throw APIError.field("status", .invalid)
                    }
                }
                guard !states.isEmpty else { throw APIError.field("status", .invalid) }
                conditions.append("r.state IN (\(SQLList(states.map { SQLBind($0.rawValue) })))")
            }
        }
        let rows = try await req.db.sql.raw(
            """
            SELECT \(unsafeRaw: Row.columns) FROM reports r WHERE \(SQLList(conditions, separator: SQLRaw(" AND ")))
            ORDER BY r.created_at DESC, r.id DESC LIMIT \(bind: maxResults)
            """
        ).all(decoding: Row.self)
        return try await documents(rows, on: req)
    }

    /// One request by its tracking ID, in a list of one as the spec writes it; 404 for one the public may not see.
    static func one(_ rawID: String, on req: Request) async throws -> [Open311Document.Request] {
        guard let trackingID = TrackingID(parsing: rawID) else { throw APIError.reportNotFound }
        let rows = try await req.db.sql.raw(
            "SELECT \(unsafeRaw: Row.columns) FROM reports r WHERE r.tracking_id = \(bind: trackingID.value) AND r.is_public = \(bind: true)"
        ).all(decoding: Row.self)
        guard !rows.isEmpty else { throw APIError.reportNotFound }
        return try await documents(rows, on: req)
    }

    /// The public steps of published reports in a span of time (default: the last day), oldest first.
    static func updates(on req: Request) async throws -> [Open311Document.Update] {
        let query = try req.query.decode(Query.self).withoutEmptyValues
        let (start, end) = try span(query, now: req.now, zone: req.tanggap.settings.timeZone, defaultSpan: 24 * 3600)
        struct EventRow: Decodable {
            let id: Int64
            let tracking_id: String
            let kind: EventKind
            let to_state: ReportState
            let archive_reason: ArchiveReason?
            let at: Date
            let note: String?
        }
        let rows = try await req.db.sql.raw(
            """
            SELECT e.id, r.tracking_id, e.kind, e.to_state, r.archive_reason, e.at, e.note
            FROM report_events e JOIN reports r ON r.id = e.report_id
            WHERE e.audience = 'public' AND e.at >= \(bind: start) AND e.at <= \(bind: end) AND r.is_public = \(bind: true)
                AND e.kind <> \(bind: EventKind.submitted.rawValue)
            ORDER BY e.at, e.id LIMIT \(bind: maxResults)
            """
        ).all(decoding: EventRow.self)
        let dates = Open311Dates(zone: req.tanggap.settings.timeZone)
        return rows.map { row in
            let reason = row.to_state == .archived ? row.archive_reason : nil
            return Open311Document.Update(
                update_id: String(row.id), service_request_id: TrackingID(stored: row.tracking_id).display,
                status: Open311Status.status(row.to_state), extended_status: Open311Status.extended(row.to_state, archivedAs: reason),
                updated_datetime: dates.string(row.at),
                description: row.note.flatMap { $0.isEmpty ? nil : $0 } ?? req.text("open311.update.\(row.kind.rawValue)"),
                media_url: nil)
        }
    }

    struct Query: Content {
        var service_request_id: String?
        var service_code: String?
        var start_date: String?
        var end_date: String?
        var status: String?

        /// A parameter sent empty (`?status=`) is a parameter not sent, as form-minded clients mean it.
        var withoutEmptyValues: Query {
            func value(_ raw: String?) -> String? { raw.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
            return Query(
                service_request_id: value(service_request_id), service_code: value(service_code), start_date: value(start_date),
                end_date: value(end_date), status: value(status))
        }
    }

    /// The span a list covers: what the client asked, within 90 days; by default the newest `defaultSpan`.
    private static func span(_ query: Query, now: Date, zone: TimeZone, defaultSpan: TimeInterval = maxSpan) throws -> (Date, Date) {
        let dates = Open311Dates(zone: zone)
        func parse(_ raw: String?, _ field: String) throws -> Date? {
            guard let raw, !raw.isEmpty else { return nil }
            guard let date = dates.date(raw) else { throw APIError.field(field, .invalid) }
            return date
        }
        let start = try parse(query.start_date, "start_date")
        let end = try parse(query.end_date, "end_date")
        switch (start, end) {
        case (let start?, let end?):
            guard start <= end else { throw APIError.field("end_date", .invalid) }
            guard end.timeIntervalSince(start) <= maxSpan else {
                throw APIError.validation(ValidationFailure([FieldError("end_date", .tooLong, limit: Int(maxSpan / 86_400))]))
            }
            return (start, end)
        case (let start?, nil): return (start, start.addingTimeInterval(defaultSpan))
        case (nil, let end?): return (end.addingTimeInterval(-defaultSpan), end)
        case (nil, nil): return (now.addingTimeInterval(-defaultSpan), now)
        }
    }

    private static func documents(_ rows: [Row], on req: Request) async throws -> [Open311Document.Request] {
        guard !rows.isEmpty else { return [] }
        let db = req.db
        let categories = try await NameBook.names(
            in: "categories", Set(rows.flatMap { [$0.category_id, $0.subcategory_id] }.compactMap { $0 }), on: db)
        let holders = try await NameBook.names(in: "institutions", Set(rows.map(\.holder_id)), on: db)
        let ids = SQLList(rows.map { SQLBind($0.id) })
        // The newest public answer of each report: what the body last told everyone.
        struct Answer: Decodable {
            let report_id: Int64
            let note: String
        }
        var notes: [Int64: String] = [:]
        for answer in try await db.sql.raw(
            """
            SELECT e.report_id, e.note FROM report_events e
            WHERE e.report_id IN (\(ids)) AND e.kind = \(bind: EventKind.answer.rawValue) AND e.audience = 'public' AND e.note IS NOT NULL
            ORDER BY e.seq
            """
        ).all(decoding: Answer.self) {
            notes[answer.report_id] = answer.note
        }
        struct Photo: Decodable {
            let report_id: Int64
            let public_id: String
        }
        var photos: [Int64: String] = [:]
        for photo in try await db.sql.raw(
            """
            SELECT report_id, public_id FROM attachments WHERE report_id IN (\(ids)) AND event_id IS NULL AND audience = 'public'
                AND kind <> \(bind: AttachmentKind.pdf.rawValue) ORDER BY id
            """
        ).all(decoding: Photo.self) where photos[photo.report_id] == nil {
            photos[photo.report_id] = photo.public_id
        }
        let dates = Open311Dates(zone: req.tanggap.settings.timeZone)
        let base = req.tanggap.settings.publicURL
        return rows.map { row in
            let trackingID = TrackingID(stored: row.tracking_id)
            let service = row.subcategory_id ?? row.category_id
            let reason = row.state == .archived ? row.archive_reason : nil
            return Open311Document.Request(
                service_request_id: trackingID.display, status: Open311Status.status(row.state),
                extended_status: Open311Status.extended(row.state, archivedAs: reason), status_notes: notes[row.id],
                service_name: service.flatMap { categories[$0] }, service_code: service.map(String.init), description: row.body,
                agency_responsible: holders[row.holder_id] ?? "", service_notice: nil,
                requested_datetime: dates.string(row.created_at), updated_datetime: dates.string(row.updated_at),
                expected_datetime: row.state.isOpen ? row.stage_due_at.map(dates.string) : nil, address: row.location_text,
                address_id: nil, zipcode: nil, lat: row.latitude, long: row.longitude,
                media_url: photos[row.id].map { "\(base)/api/v1/reports/\(trackingID.value)/attachments/\($0)" })
        }
    }
}
