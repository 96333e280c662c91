import Fluent
import Foundation
import SQLKit
import TanggapCore

/// `tanggap generate`: the national tree at full size and any number of synthetic reports with their histories,
/// routes and figures, written in large transactions of many-row statements — for benchmarks and for trying the
/// system at the size of the national one. Sends nothing: no notices, no jobs.
enum Generator {
    struct Summary: Sendable, CustomStringConvertible {
        var institutions = 0
        var staff = 0
        var reports = 0
        var events = 0
        var seconds = 0.0
        var description: String {
            "\(reports) reports (\(events) events) across \(institutions) institutions with \(staff) new staff accounts in \(String(format: "%.1f", seconds)) s"
                + " (\(seconds > 0 ? Int(Double(reports) / seconds) : 0) reports/s)"
        }
    }

    static let reportsPerTransaction = 5_000
    static let rowsPerStatement = 400

    static func generate(
        reports count: Int, years: Double, officesPerGovernment: Int, seed: UInt64, staffPassword: String, context: TanggapContext,
        resourcesDirectory: String, on db: any Database
    ) async throws -> Summary {
        let started = Date()
        let now = context.clock.now()
        if try await RegionModel.query(on: db).count() == 0 {
            _ = try await ReferenceDataImporter.importRegions(from: resourcesDirectory + "Data/wilayah-kabkota.csv", on: db)
        }
        if try await CategoryModel.query(on: db).count() == 0 {
            _ = try await ReferenceDataImporter.importCategories(from: resourcesDirectory + "Data/lapor-categories.csv", on: db)
        }
        var root = try await InstitutionDirectory.root(on: db)
        if root == nil {
            root = try await InstitutionDirectory.create(
                name: "Pengelola Nasional SP4N-LAPOR!", kind: .national, under: nil, code: "nasional",
                timeZone: "Asia/Jakarta", now: now, on: db)
        }
        let tree = try await SyntheticTree.build(root: root!, officesPerGovernment: officesPerGovernment, now: now, on: db)
        var taxonomy = SyntheticReportMaker.Taxonomy()
        for category in try await CategoryModel.query(on: db).all() {
            if let parent = category.parentID {
                taxonomy.subcategories[parent, default: []].append(category.id!)
            } else {
                taxonomy.byName[category.name.uppercased()] = category.id!
                taxonomy.all.append(category.id!)
            }
        }

        struct MaxID: Decodable { let n: Int64? }
        let firstID = (try await db.sql.raw("SELECT MAX(id) AS n FROM reports").first(decoding: MaxID.self)?.n ?? 0) + 1
        var maker = SyntheticReportMaker(
            tree: tree, root: root!, taxonomy: taxonomy, now: now, span: years * 365 * 86_400, count: count, seed: seed)
        var summary = Summary(institutions: tree.institutions)
        summary.staff = try await SyntheticStaff.write(
            tree, password: staffPassword, bcryptCost: context.settings.bcryptCost, now: now, on: db)
        let zone = context.settings.timeZone
        var figures = FiguresByMonth()
        var start = 0
        while start < count {
            let batch = (start..<min(start + reportsPerTransaction, count)).map {
                maker.make(id: firstID + Int64($0), index: $0, of: count)
            }
            // Reports come in order of receipt, so a month's figures are complete once the next month begins.
            let finished = figures.count(batch.map(\.facts), zone: zone)
            try await db.transaction { db in
                try await write(batch, on: db)
                try await ReportTallies.add(finished, on: db)
                try await SearchVocabulary.takeIn(on: db)
            }
            summary.reports += batch.count
            summary.events += batch.reduce(0) { $0 + $1.events.count }
            start += batch.count
        }
        try await ReportTallies.add(figures.remaining, on: db)
        if db.isPostgres {
            // Rows came with their ids; the sequence continues after them.
            try await db.sql.raw("SELECT setval(pg_get_serial_sequence('reports', 'id'), (SELECT MAX(id) FROM reports))").run()
            try await db.sql.raw("ANALYZE").run()
        } else {
            try await db.sql.raw("ANALYZE").run()
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// One transaction's reports, their events and routes, and what they add to the figures.
    private static func write(_ reports: [SyntheticReport], on db: any Database) async throws {
        let postgres = db.isPostgres
        func run(_ table: String, _ columns: [String], _ rows: [[SQLCell]]) async throws {
            for chunk in rows.chunks(of: rowsPerStatement) {
                try await db.sql.raw(SQLQueryString(SQLCell.insert(into: table, columns: columns, rows: chunk, postgres: postgres))).run()
            }
        }
        try await run("reports", SyntheticReport.columnNames, reports.map(\.values))
        try await run(
            "report_events",
            [
                "report_id", "seq", "kind", "at", "actor_kind", "from_state", "to_state", "from_institution_id",
                "to_institution_id", "channel", "audience",
            ],
            reports.flatMap { report in
                report.events.enumerated().map { seq, event in
                    [
                        .int(report.id), .int(seq + 1), .text(event.kind.rawValue), .date(event.at),
                        .text(event.kind == .submitted ? "reporter" : "system"), .text(event.from.0.rawValue), .text(event.to.0.rawValue),
                        .int(event.from.1), .int(event.to.1), .text("web"), .text("public"),
                    ] as [SQLCell]
                }
            })
        try await run(
            "report_routes", ["report_id", "institution_id", "path", "first_held_at"],
            reports.flatMap { report in report.route.map { [.int(report.id), .int($0.0), .text($0.1), .date(report.facts.created_at)] } })
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
