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

    /// `batchSize` is how many reports are read at a time (tests make it small, to cross many batch boundaries).
    static func rebuild(context: TanggapContext, on db: any Database, batchSize: Int = 20_000) async throws -> RebuildSummary {
        let started = Date()
        try await fillWorkingDays(context: context, on: db)
        let zone = context.settings.timeZone
        return try await db.writeTransaction { db in
            // Writers wait on the tallies while they are rebuilt; whatever they changed before is in the reports read.
            if db.isPostgres { try await db.sql.raw("LOCK TABLE report_tallies IN EXCLUSIVE MODE").run() }
            try await db.sql.raw("DELETE FROM report_tallies").run()
            var rows = 0
            let reports = try await countEveryReport(zone: zone, batchSize: batchSize, on: db) { rows += try await insert($0, on: db) }
            return RebuildSummary(reports: reports, rows: rows, seconds: Date().timeIntervalSince(started))
        }
    }

    /// What the tallies should hold, counted afresh from every report (`tanggap verify` compares it with the table).
    static func recounted(context: TanggapContext, on db: any Database) async throws -> [Key: PerformanceFigures] {
        var all: [Key: PerformanceFigures] = [:]
        _ = try await countEveryReport(zone: context.settings.timeZone, batchSize: 20_000, on: db) { all.merge($0) { $0 + $1 } }
        return all
    }

    /// Counts every report in order of receipt, handing over the figures as they are complete (a month at a time,
    /// then the rest); returns how many reports were read.
    private static func countEveryReport(
        zone: TimeZone, batchSize: Int, on db: any Database, _ take: ([Key: PerformanceFigures]) async throws -> Void
    ) async throws -> Int {
        var figures = FiguresByMonth()
        var reports = 0
        var after: Int64?
        while true {
            let batch = try await factsBatch(after: after, limit: batchSize, on: db)
            reports += batch.count
            if let last = batch.last { after = last.id }
            try await take(figures.count(batch, zone: zone))
            if batch.count < batchSize { break }
        }
        try await take(figures.remaining)
        return reports
    }

    /// The next reports in order of receipt, with the province of their region.
    private static func factsBatch(after: Int64?, limit: Int, on db: any Database) async throws -> [Facts] {
        var cursor: SQLQueryString = ""
        // A row-value comparison, which both engines read as one range of the (created_at, id) index. The last
        // report's time is read from its own row, never bound from the decoded value: on SQLite a time that went
        // through a Date and back compared a hair below the stored one, and that report was counted twice.
        if let id = after {
            cursor = "WHERE (r.created_at, r.id) > ((SELECT created_at FROM reports WHERE id = \(bind: id)), \(bind: id))"
        }
        return try await db.sql.raw(
            """
            SELECT r.id, r.holder_path, r.created_at, COALESCE(g.parent_id, g.id) AS province_id, r.state, r.archive_reason,
                r.sla_stage, r.sla_light, r.held_at, r.first_answer_late, r.first_answer_working_days, r.rating, r.was_bounced
            FROM reports r LEFT JOIN regions g ON g.id = r.region_id
            \(cursor) ORDER BY r.created_at, r.id LIMIT \(unsafeRaw: String(limit))
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
