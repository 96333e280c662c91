import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The figures of statistics and dashboards, kept per institution, province and month and changed in the same
/// transaction as the report they count, so that a page adds up a few hundred rows instead of reading millions
/// of reports.
///
/// A report counts in the rows keyed by (institution, direct, province, period):
/// - `direct`: the institution holding it now;
/// - not direct ("within"): the holder and each of its ancestors below the root, so a parent's dashboard reads one
///   row per child for the child's whole subtree. The root's own subtree is everything: its children plus its direct row.
/// - the period: the month of receipt in the deployment's time zone ("2026-11"), and "all".
/// Spam counts nowhere. Lights are the ones the sweep last wrote (it runs every minute).
enum ReportTallies {
    static let table = "report_tallies"
    static let allTime = "all"

    struct Key: Hashable, Comparable {
        let institutionID: Int64
        let direct: Bool
        let provinceID: Int64
        let period: String

        /// One order for every writer, so two transactions never wait on each other's rows in opposite orders.
        static func < (a: Key, b: Key) -> Bool {
            (a.institutionID, a.direct ? 1 : 0, a.provinceID, a.period) < (b.institutionID, b.direct ? 1 : 0, b.provinceID, b.period)
        }
    }

    /// What one report adds to the tallies.
    struct Contribution: Sendable {
        let keys: [Key]
        let figures: PerformanceFigures
    }

    /// The figures fields of a report, as stored.
    struct Facts: Decodable {
        let id: Int64
        let holder_path: String
        let created_at: Date
        let province_id: Int64?
        let state: ReportState
        let archive_reason: ArchiveReason?
        let sla_stage: SLAStage?
        let sla_light: TrafficLight?
        let held_at: Date?
        let first_answer_late: Bool?
        let first_answer_working_days: Int?
        let rating: Rating?
        let was_bounced: Bool
    }

    static func contribution(_ facts: Facts, zone: TimeZone) -> Contribution? {
        guard facts.archive_reason != .spam, let holder = InstitutionPath(encoded: facts.holder_path) else { return nil }
        let state = facts.state
        let status = SLAStatus(
            stage: facts.sla_stage, light: facts.sla_light,
            heldAt: facts.held_at)
        let figures = PerformanceFigures(
            ReportFacts(
                state: state, light: status.countedLight, firstAnswerLate: facts.first_answer_late,
                workingDaysToFirstAnswer: facts.first_answer_working_days, rating: facts.rating,
                bounced: facts.was_bounced))
        let province = facts.province_id ?? 0
        var keys: [Key] = []
        for period in [month(of: facts.created_at, in: zone), allTime] {
            keys.append(Key(institutionID: holder.institutionID, direct: true, provinceID: province, period: period))
            for id in holder.ids.dropFirst() { keys.append(Key(institutionID: id, direct: false, provinceID: province, period: period)) }
        }
        return Contribution(keys: keys, figures: figures)
    }

    /// The report's contribution as it stands now; take one before a change and one after, then `record` both.
    static func contribution(of report: ReportModel, zone: TimeZone, on db: any Database) async throws -> Contribution? {
        var province: Int64?
        if let region = report.regionID {
            province = try await db.sql.raw("SELECT COALESCE(parent_id, id) AS province_id FROM regions WHERE id = \(bind: region)")
                .first(decodingColumn: "province_id", as: Int64.self)
        }
        return contribution(
            Facts(
                id: report.id ?? 0, holder_path: report.holderPath, created_at: report.createdAt, province_id: province,
                state: report.state,
                archive_reason: report.archiveReason, sla_stage: report.slaStage, sla_light: report.slaLight, held_at: report.heldAt,
                first_answer_late: report.firstAnswerLate, first_answer_working_days: report.firstAnswerWorkingDays, rating: report.rating,
                was_bounced: report.wasBounced), zone: zone)
    }

    /// Moves the tallies from what a report counted before to what it counts now. Call inside the change's transaction.
    static func record(from before: Contribution?, to after: Contribution?, on db: any Database) async throws {
        var deltas: [Key: PerformanceFigures] = [:]
        if let before {
            for key in before.keys {
                deltas[key, default: PerformanceFigures()] = deltas[key, default: PerformanceFigures()] - before.figures
            }
        }
        if let after { for key in after.keys { deltas[key, default: PerformanceFigures()] += after.figures } }
        try await add(deltas, on: db)
    }

    /// What new reports add, summed first so that a group of them costs as few statements as one.
    static func record(adding contributions: [Contribution], on db: any Database) async throws {
        var deltas: [Key: PerformanceFigures] = [:]
        for contribution in contributions {
            for key in contribution.keys { deltas[key, default: PerformanceFigures()] += contribution.figures }
        }
        try await add(deltas, on: db)
    }

    /// Adds figures to the kept ones: a change's deltas, or figures counted elsewhere (reports written in bulk).
    /// Neighbouring keys (in key order) that change the same counters share one upsert: a new report changes every
    /// row of its path alike, so it costs one statement, and the rows are still taken in the one order.
    static func add(_ figures: [Key: PerformanceFigures], on db: any Database) async throws {
        var run: [(Key, PerformanceFigures)] = []
        var runColumns: [String] = []
        for key in figures.keys.sorted() {
            guard let delta = figures[key], !delta.isZero else { continue }
            let columns = changedColumns(of: delta)
            if columns != runColumns, !run.isEmpty {
                try await upsert(run, columns: runColumns, on: db)
                run = []
            }
            runColumns = columns
            run.append((key, delta))
        }
        if !run.isEmpty { try await upsert(run, columns: runColumns, on: db) }
    }

    private static func changedColumns(of delta: PerformanceFigures) -> [String] {
        PerformanceFigures.counters.filter { delta[keyPath: $0.path] != 0 }.map(\.name)
    }

    /// An upsert of the changed counters only. The column names are our own constants, written as they are: this runs
    /// for every change to a report, and quoting each name through the query builder cost more than the statement.
    private static func upsert(_ rows: [(Key, PerformanceFigures)], columns: [String], on db: any Database) async throws {
        let values = rows.map { key, delta in
            let row =
                [key.institutionID, key.direct, key.provinceID, key.period] as [any Encodable & Sendable]
                + PerformanceFigures.counters.compactMap { delta[keyPath: $0.path] == 0 ? nil : delta[keyPath: $0.path] }
            return SQLGroupExpression(SQLList(row.map { SQLBind($0) }))
        }
        let sums = columns.map { "\($0) = report_tallies.\($0) + excluded.\($0)" }.joined(separator: ", ")
        try await db.sql.raw(
            """
            INSERT INTO report_tallies (institution_id, direct, province_id, period, \(unsafeRaw: columns.joined(separator: ", ")))
            VALUES \(SQLList(values))
            ON CONFLICT (institution_id, direct, province_id, period) DO UPDATE SET \(unsafeRaw: sums)
            """
        ).run()
    }

    static func month(of date: Date, in zone: TimeZone) -> String {
        let day = LocalDate(date, in: zone)
        return "\(day.year)-\(day.month < 10 ? "0" : "")\(day.month)"
    }
}
