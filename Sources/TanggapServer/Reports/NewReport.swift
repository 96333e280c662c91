import Fluent
import Foundation
import SQLKit
import TanggapCore

/// A new report ready to be stored: its row, its first event, its first holder and what it adds to the tallies,
/// all worked out before the transaction. A group of them is written with one statement per table (reports,
/// events, routes, tallies) instead of four for each, which is what lets intake keep up with many at once.
struct NewReport: GroupWrite {
    /// The row to insert; its id is set once inserted.
    let report: ReportModel
    let trackingID: TrackingID
    /// The `submitted` event, its report id still to be filled in.
    let event: ReportEventModel
    let holder: InstitutionPath
    let tallies: ReportTallies.Contribution?
    let files: PendingAttachments
    let secret: String?
    /// What must commit with the report (a channel's message record and its acknowledgement).
    let also: (@Sendable (any Database, SubmissionReceipt) async throws -> Void)?
    let now: Date

    static func writeAll(_ reports: [NewReport], on db: any Database) async throws -> [Submitted] {
        // The returned rows' order is not promised by either engine: each is matched by its tracking ID.
        let inserted = try await NewRow.insert(
            into: "reports", columns: ReportModel.rowColumns, rows: reports.map(\.report.rowValues), suffix: "RETURNING id, tracking_id",
            on: db)
        var ids: [String: Int64] = [:]
        for row in inserted { ids[try row.decode(column: "tracking_id", as: String.self)] = try row.decode(column: "id", as: Int64.self) }
        for new in reports {
            guard let id = ids[new.trackingID.value] else { throw APIError(status: .internalServerError, code: "internal_error") }
            new.report.id = id
            new.event.reportID = id
        }
        _ = try await NewRow.insert(
            into: "report_events", columns: ReportEventModel.rowColumns, rows: reports.map(\.event.rowValues), on: db)
        try await ReportHistory.recordRoutes(reports.map { ($0.report.id!, $0.holder, $0.now) }, on: db)
        try await ReportTallies.record(adding: reports.compactMap(\.tallies), on: db)
        try await SearchVocabulary.takeIn(on: db)

        var stored: [Submitted] = []
        for new in reports {
            let reportID = new.report.id!
            try await new.files.insert(reportID: reportID, eventID: nil, audience: .public, now: new.now, on: db)
            let receipt = SubmissionReceipt(reportID: reportID, trackingID: new.trackingID, secret: new.secret)
            try await new.also?(db, receipt)
            stored.append(Submitted(receipt: receipt, report: new.report))
        }
        return stored
    }
}
