import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Reports that look like another: the recent ones of the same region, compared by their character shingles
/// (`NearDuplicates`). The region and the last ninety days are an index range, so however large the history, only
/// a few hundred texts are compared. It suggests; staff merge, citizens support — nothing is merged or hidden here.
enum LookAlikes {
    struct Match: Sendable {
        let id: Int64
        let trackingID: TrackingID
        let title: String
        let supportCount: Int
        let createdAt: Date
        let similarity: Double
    }

    /// How far back a look-alike is looked for.
    static let window: TimeInterval = 90 * 86_400
    /// Texts compared at most per search: the newest of the region's window.
    static let mostCompared = 500
    /// The similarity (shingle Jaccard weighted by rarity) from which a text is shown as a likely duplicate, chosen
    /// with `tanggap evaluate`, which prints precision and recall at this value and its neighbours: on the generator's
    /// planted incidents, 0.2 keeps precision@5 near 0.97 with recall above 0.9.
    static let threshold = 0.2
    static let shown = 5

    struct Row {
        let id: Int64
        let trackingID: String
        let title: String
        let body: String
        let supportCount: Int
        let createdAt: Date

        static let columns = "id, tracking_id, title, body, support_count, created_at"

        /// Read column by column: a search reads up to 500 rows, and the generic row decoder costs more than the
        /// comparisons.
        init(_ row: any SQLRow) throws {
            id = try row.decode(column: "id", as: Int64.self)
            trackingID = try row.decode(column: "tracking_id", as: String.self)
            title = try row.decode(column: "title", as: String.self)
            body = try row.decode(column: "body", as: String.self)
            supportCount = try row.decode(column: "support_count", as: Int.self)
            createdAt = try row.decode(column: "created_at", as: Date.self)
        }
    }

    /// What a citizen sees before filing: published reports (never a rahasia one, never one not yet verified) of the
    /// same region and category that are still open.
    static func published(
        like text: String, regionID: Int64, categoryID: Int64, fingerprints: Fingerprints, now: Date, on db: any Database
    ) async throws -> [Match] {
        let rows = try await db.sql.raw(
            """
            SELECT \(unsafeRaw: Row.columns) FROM reports
            WHERE region_id = \(bind: regionID) AND category_id = \(bind: categoryID) AND is_public
            AND created_at >= \(bind: now.addingTimeInterval(-window)) AND state IN (\(binds: ReportState.open.map(\.rawValue)))
            AND duplicate_of_id IS NULL ORDER BY created_at DESC LIMIT \(bind: mostCompared)
            """
        ).all().map(Row.init)
        return rank(text, among: rows, fingerprints: fingerprints)
    }

    /// What staff see beside a report: the cases of its region from the ninety days before it to now, whatever their
    /// category (a wrong category is what a verifier is there to fix), not already merged into another.
    static func cases(like report: ReportModel, fingerprints: Fingerprints, on db: any Database) async throws -> [Match] {
        guard let regionID = report.regionID else { return [] }
        let rows = try await db.sql.raw(
            """
            SELECT \(unsafeRaw: Row.columns) FROM reports
            WHERE region_id = \(bind: regionID) AND created_at >= \(bind: report.createdAt.addingTimeInterval(-window))
            AND duplicate_of_id IS NULL AND id <> \(bind: report.id!) AND state <> \(bind: ReportState.archived.rawValue)
            ORDER BY created_at DESC LIMIT \(bind: mostCompared)
            """
        ).all().map(Row.init)
        return rank(
            IndonesianText.ofReport(title: report.title, body: report.body), report: report.id, among: rows, fingerprints: fingerprints)
    }

    static func rank(_ text: String, report id: Int64? = nil, among rows: [Row], fingerprints: Fingerprints) -> [Match] {
        let fingerprint = fingerprints.of(text, report: id)
        let compared = rows.map { ($0, fingerprints.of(IndonesianText.ofReport(title: $0.title, body: $0.body), report: $0.id)) }
        return rank(fingerprint, among: compared).compactMap { row, similarity in
            TrackingID(parsing: row.trackingID).map {
                Match(
                    id: row.id, trackingID: $0, title: row.title, supportCount: row.supportCount, createdAt: row.createdAt,
                    similarity: similarity)
            }
        }
    }

    /// The `shown` items most alike to `fingerprint` from `threshold` up, most alike first (the earlier in `items` on
    /// a tie).
    static func rank<Item>(
        _ fingerprint: NearDuplicates.Fingerprint, among items: [(Item, NearDuplicates.Fingerprint)], from least: Double = threshold
    ) -> [(Item, Double)] {
        guard !fingerprint.isEmpty else { return [] }
        let scored = items.enumerated().compactMap { index, item -> (Int, Item, Double)? in
            let similarity = NearDuplicates.similarity(fingerprint, item.1)
            return similarity >= least ? (index, item.0, similarity) : nil
        }
        return scored.sorted { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0 < $1.0 }.prefix(shown).map { ($0.1, $0.2) }
    }
}
