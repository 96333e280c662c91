import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Counting every report again: after the step that introduced the tallies, after reports were written straight into
/// the database (the generator, benchmarks), or to repair. One transaction, so readers see the old figures or the new.
extension ReportTallies {
    struct RebuildSummary: Sendable {
        let reports: Int
        let rows: Int
        let seconds: Double
    }

    /// Builds the tallies when there are reports and no tallies yet (the first start after the migration).
    static func buildIfMissing(context: TanggapContext, on db: any Database) async throws {
        let tallied = try await db.sql.raw("SELECT 1 AS n FROM report_tallies LIMIT 1").all()
        let reports = try await db.sql.raw("SELECT 1 AS n FROM reports LIMIT 1").all()
        if tallied.isEmpty && !reports.isEmpty { _ = try await rebuild(context: context, on: db) }
    }

    static func rebuild(context: TanggapContext, on db: any Database) async throws -> RebuildSummary {
        let started = Date()
        try await fillWorkingDays(context: context, on: db)
        let zone = context.settings.timeZone
        return try await db.writeTransaction { db in
            // Writers wait on the tallies while they are rebuilt; whatever they changed before is in the reports read.
            if db.isPostgres { try await db.sql.raw("LOCK TABLE report_tallies IN EXCLUSIVE MODE").run() }
            try await db.sql.raw("DELETE FROM report_tallies").run()
            var rows = 0
            let reports = try await countEveryReport(zone: zone, on: db) { rows += try await insert($0, on: db) }
            return RebuildSummary(reports: reports, rows: rows, seconds: Date().timeIntervalSince(started))
        }
    }

    /// What the tallies should hold, counted afresh from every report (`tanggap verify` compares it with the table).
    static func recounted(context: TanggapContext, on db: any Database) async throws -> [Key: PerformanceFigures] {
        var all: [Key: PerformanceFigures] = [:]
        _ = try await countEveryReport(zone: context.settings.timeZone, on: db) { all.merge($0) { $0 + $1 } }
        return all
    }

    /// Counts every report in order of receipt, handing over the figures as they are complete (a month at a time,
    /// then the rest); returns how many reports were read.
    private static func countEveryReport(
        zone: TimeZone, on db: any Database, _ take: ([Key: PerformanceFigures]) async throws -> Void
    ) async throws -> Int {
        var figures = FiguresByMonth()
        var reports = 0
        var after: (Date, Int64)?
        while true {
            let batch = try await factsBatch(after: after, on: db)
            reports += batch.count
            if let last = batch.last { after = (last.created_at, last.id) }
            try await take(figures.count(batch, zone: zone))
            if batch.count < batchSize { break }
        }
        try await take(figures.remaining)
        return reports
    }

    private static let batchSize = 20_000
    /// The next reports in order of receipt, with the province of their region.
    private static func factsBatch(after: (Date, Int64)?, on db: any Database) async throws -> [Facts] {
        var cursor: SQLQueryString = ""
        // A row-value comparison, which both engines read as one range of the (created_at, id) index.
        if let (at, id) = after { cursor = "WHERE (r.created_at, r.id) > (\(bind: at), \(bind: id))" }
        return try await db.sql.raw(
            """
            SELECT r.id, r.holder_path, r.created_at, COALESCE(g.parent_id, g.id) AS province_id, r.state, r.archive_reason,
                r.sla_stage, r.sla_light, r.held_at, r.first_answer_late, r.first_answer_working_days, r.rating, r.was_bounced
            FROM reports r LEFT JOIN regions g ON g.id = r.region_id
            \(cursor) ORDER BY r.created_at, r.id LIMIT \(unsafeRaw: String(batchSize))
            """
        ).all(decoding: Facts.self)
    }

    /// Writes whole rows into the emptied table, a few hundred per statement.
    private static func insert(_ tallies: [Key: PerformanceFigures], on db: any Database) async throws -> Int {
        let keys = tallies.keys.sorted()
        for chunk in stride(from: 0, to: keys.count, by: 200) {
            var insert = db.sql.insert(into: table)
                .columns(["institution_id", "direct", "province_id", "period"] + PerformanceFigures.counters.map(\.name))
            for key in keys[chunk..<min(chunk + 200, keys.count)] {
                let figures = tallies[key]!
                insert = insert.values(
                    [SQLBind(key.institutionID), SQLBind(key.direct), SQLBind(key.provinceID), SQLBind(key.period)]
                        + PerformanceFigures.counters.map { SQLBind(figures[keyPath: $0.path]) })
            }
            try await insert.run()
        }
        return keys.count
    }

    /// Reports answered before working days were kept get them now, in their holder's calendar.
    private static func fillWorkingDays(context: TanggapContext, on db: any Database) async throws {
        struct AnsweredReport: Decodable {
            let id: Int64
            let holder_path: String
            let created_at: Date
            let first_answered_at: Date
        }
        while true {
            let rows = try await db.sql.raw(
                """
                SELECT id, holder_path, created_at, first_answered_at FROM reports
                WHERE first_answered_at IS NOT NULL AND first_answer_working_days IS NULL ORDER BY id LIMIT 1000
                """
            ).all(decoding: AnsweredReport.self)
            if rows.isEmpty { return }
            let now = context.clock.now()
            try await db.writeTransaction { db in
                for row in rows {
                    var days = 0
                    if let holder = InstitutionPath(encoded: row.holder_path) {
                        days = try await context.calendars.calendar(for: holder, now: now, on: db).workingDays(
                            from: row.created_at, to: row.first_answered_at)
                    }
                    try await db.sql.update("reports").set("first_answer_working_days", to: days)
                        .where("id", .equal, row.id).run()
                }
            }
        }
    }
}
