import Fluent
import Foundation
import SQLKit
import Synchronization
import TanggapCore

/// Incidents and their reporters per region and category, for the rising problems of the weekly review and the
/// dashboard (`RisingIncidents`): a report merged into another as its duplicate is a reporter of that case, not an
/// incident of its own; spam is neither. The eight weeks before are one grouped read, kept for an hour per subtree and
/// week (they are over; only a late merge could still move them, by one).
final class IncidentCounts: Sendable {
    private struct Kept {
        let storedAt: Date
        let before: [RisingIncidents.Topic: Int]
    }

    private let kept = Mutex<[String: Kept]>([:])
    static let keptFor: TimeInterval = 3_600
    static let mostKept = 2_000

    struct Row: Decodable {
        let region_id: Int64?
        let category_id: Int64?
        let incidents: Int
        let reporters: Int
    }

    /// The topics that rose in the week from `weekStart` within `institution`'s subtree.
    func rising(under institution: Institution, weekStart: Date, now: Date, on db: any Database) async throws -> [RisingIncidents.Rise] {
        let week: TimeInterval = 7 * 86_400
        let thisWeek = try await Self.counts(under: institution.path, from: weekStart, to: weekStart.addingTimeInterval(week), on: db)
        let key = "\(institution.path.encoded)|\(weekStart.timeIntervalSince1970)"
        let before: [RisingIncidents.Topic: Int]
        if let found = kept.withLock({ $0[key] }), now.timeIntervalSince(found.storedAt) < Self.keptFor {
            before = found.before
        } else {
            let start = weekStart.addingTimeInterval(-Double(RisingIncidents.weeksBefore) * week)
            before = try await Self.counts(under: institution.path, from: start, to: weekStart, on: db).mapValues(\.incidents)
            kept.withLock { kept in
                if kept.count >= Self.mostKept { kept.removeAll() }
                kept[key] = Kept(storedAt: now, before: before)
            }
        }
        return RisingIncidents.rising(thisWeek: thisWeek, before: before)
    }

    private static func counts(
        under subtree: InstitutionPath, from start: Date, to end: Date, on db: any Database
    ) async throws -> [RisingIncidents.Topic: RisingIncidents.Week] {
        let within = Subtree.condition("r.holder_path", within: subtree, on: db)
        let created = Subtree.keptOffItsIndex("r.created_at", heldWithin: [subtree], on: db)
        let rows = try await db.sql.raw(
            """
            SELECT r.region_id, r.category_id, SUM(CASE WHEN r.duplicate_of_id IS NULL THEN 1 ELSE 0 END) AS incidents,
                COUNT(*) AS reporters
            FROM reports r WHERE \(within) AND \(unsafeRaw: created) >= \(bind: start) AND \(unsafeRaw: created) < \(bind: end)
            AND (r.archive_reason IS NULL OR r.archive_reason <> 'spam')
            GROUP BY r.region_id, r.category_id
            """
        ).all(decoding: Row.self)
        var counts: [RisingIncidents.Topic: RisingIncidents.Week] = [:]
        for row in rows {
            counts[RisingIncidents.Topic(regionID: row.region_id, categoryID: row.category_id)] = RisingIncidents.Week(
                incidents: row.incidents, reporters: row.reporters)
        }
        return counts
    }
}
