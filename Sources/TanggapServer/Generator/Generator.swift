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
        var reports = 0
        var events = 0
        var seconds = 0.0
        var description: String {
            "\(reports) reports (\(events) events) across \(institutions) institutions in \(String(format: "%.1f", seconds)) s"
                + " (\(seconds > 0 ? Int(Double(reports) / seconds) : 0) reports/s)"
        }
    }

    static let reportsPerTransaction = 5_000
    static let rowsPerStatement = 400

    static func generate(
        reports count: Int, years: Double, officesPerGovernment: Int, seed: UInt64, context: TanggapContext,
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
            root = try await InstitutionDirectory.create(name: "Pengelola Nasional SP4N-LAPOR!", kind: .national, under: nil, code: "nasional",
                                                         timeZone: "Asia/Jakarta", now: now, on: db)
        }
        let tree = try await SyntheticTree.build(root: root!, officesPerGovernment: officesPerGovernment, now: now, on: db)
        let categories = try await CategoryModel.query(on: db).all()
        let names = Dictionary(uniqueKeysWithValues: categories.map { ($0.id!, $0.name) })
        let choices = categories.map { ($0.parentID ?? $0.id!, $0.parentID == nil ? nil : $0.id, names[$0.parentID ?? $0.id!] ?? $0.name) }

        struct MaxID: Decodable { let n: Int64? }
        let firstID = (try await db.sql.raw("SELECT MAX(id) AS n FROM reports").first(decoding: MaxID.self)?.n ?? 0) + 1
        var maker = SyntheticReportMaker(tree: tree, root: root!, categories: choices, now: now, span: years * 365 * 86_400,
                                         random: DemoRandom(seed: seed))
        var summary = Summary(institutions: tree.institutions)
        let zone = context.settings.timeZone
        var start = 0
        while start < count {
            let batch = (start..<min(start + reportsPerTransaction, count)).map { maker.make(id: firstID + Int64($0), index: $0, of: count) }
            try await db.transaction { db in try await write(batch, zone: zone, on: db) }
            summary.reports += batch.count
            summary.events += batch.reduce(0) { $0 + $1.events.count }
            start += batch.count
        }
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
    private static func write(_ reports: [SyntheticReport], zone: TimeZone, on db: any Database) async throws {
        for chunk in reports.chunks(of: rowsPerStatement) {
            var insert = db.sql.insert(into: "reports").columns(SyntheticReport.columnNames)
            for report in chunk { insert = insert.values(SyntheticReport.columnNames.map { SQLBind(report.columns[$0] ?? Optional<Int>.none) }) }
            try await insert.run()
        }
        let events = reports.flatMap { report in report.events.enumerated().map { (report.columns["id"] as! Int64, $0.offset + 1, $0.element) } }
        for chunk in events.chunks(of: rowsPerStatement) {
            var insert = db.sql.insert(into: "report_events").columns(
                "report_id", "seq", "kind", "at", "actor_kind", "from_state", "to_state", "from_institution_id", "to_institution_id",
                "channel", "audience")
            for (id, seq, event) in chunk {
                insert = insert.values(SQLBind(id), SQLBind(seq), SQLBind(event.kind.rawValue), SQLBind(event.at),
                                       SQLBind(event.kind == .submitted ? "reporter" : "system"), SQLBind(event.from.0.rawValue),
                                       SQLBind(event.to.0.rawValue), SQLBind(event.from.1), SQLBind(event.to.1), SQLBind("web"), SQLBind("public"))
            }
            try await insert.run()
        }
        let routes = reports.flatMap { report in report.route.map { (report.columns["id"] as! Int64, $0.0, $0.1, report.facts.created_at) } }
        for chunk in routes.chunks(of: rowsPerStatement) {
            var insert = db.sql.insert(into: "report_routes").columns("report_id", "institution_id", "path", "first_held_at")
            for (id, institution, path, at) in chunk { insert = insert.values(SQLBind(id), SQLBind(institution), SQLBind(path), SQLBind(at)) }
            try await insert.run()
        }
        var tallies: [ReportTallies.Key: PerformanceFigures] = [:]
        for report in reports {
            guard let counted = ReportTallies.contribution(report.facts, zone: zone) else { continue }
            for key in counted.keys { tallies[key, default: PerformanceFigures()] += counted.figures }
        }
        try await ReportTallies.add(tallies, on: db)
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
