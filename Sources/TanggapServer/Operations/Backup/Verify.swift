import Crypto
import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// `tanggap verify`: is this deployment whole? The database's own integrity check, the schema against this
/// build, every report's history and the figures against a recount, every attachment in its folder or bucket with its SHA-256;
/// files no report names are listed (they harm nothing: an upload whose report never committed, or one filed after
/// a backup's snapshot).
public struct VerifyReport: Sendable, CustomStringConvertible {
    public var problems: [String] = []
    public var orphans: [String] = []
    public var reports: Int64 = 0
    public var attachments: Int = 0

    public var isClean: Bool { problems.isEmpty }

    public var description: String {
        var lines = ["\(reports) reports, \(attachments) attachments checked."]
        lines += problems.map { "PROBLEM: \($0)" }
        if !orphans.isEmpty {
            lines.append("\(orphans.count) file(s) no report names (harmless; removable): " + orphans.prefix(10).joined(separator: ", "))
        }
        lines.append(isClean ? "Verified: no problem found." : "\(problems.count) problem(s) found.")
        return lines.joined(separator: "\n")
    }
}

public enum Verify {
    public static func run(_ app: Application) async throws -> VerifyReport {
        let db = app.db
        var report = VerifyReport()
        if db.isPostgres {
            // PostgreSQL checks its pages as it reads them: reading every table through is the check here.
            for table in BackupManifest.countedTables { _ = try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").all() }
        } else {
            let answer = try await db.sql.raw("PRAGMA integrity_check").all(decodingColumn: "integrity_check", as: String.self)
            if answer != ["ok"] { report.problems.append("SQLite integrity check: " + answer.prefix(5).joined(separator: "; ")) }
        }
        let pending = try await DatabaseSetup.pendingMigrations(on: db)
        if !pending.isEmpty { report.problems.append("\(pending.count) migration(s) not run yet: run `tanggap migrate`") }
        report.reports = try await db.sql.raw("SELECT COUNT(*) AS n FROM reports").first(decodingColumn: "n", as: Int64.self) ?? 0

        let wrongHistories =
            try await db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM reports r
                WHERE r.event_count <> (SELECT COUNT(*) FROM report_events e WHERE e.report_id = r.id)
                """
            ).first(decodingColumn: "n", as: Int64.self) ?? 0
        if wrongHistories > 0 { report.problems.append("\(wrongHistories) report(s) whose event count differs from their history") }

        let expected = try await ReportTallies.recounted(context: app.tanggap, on: db).filter { $0.value != PerformanceFigures() }
        let stored = try await storedTallies(on: db).filter { $0.value != PerformanceFigures() }
        let differing = Set(expected.keys).union(stored.keys).filter { expected[$0] != stored[$0] }
        if !differing.isEmpty { report.problems.append("\(differing.count) figure row(s) differ from a recount: run `tanggap recount`") }

        try await checkAttachments(app, into: &report)
        return report
    }

    private static func storedTallies(on db: any Database) async throws -> [ReportTallies.Key: PerformanceFigures] {
        var stored: [ReportTallies.Key: PerformanceFigures] = [:]
        for row in try await db.sql.raw("SELECT * FROM report_tallies").all() {
            let key = ReportTallies.Key(
                institutionID: try row.decode(column: "institution_id", as: Int64.self),
                direct: try row.decode(column: "direct", as: Bool.self),
                provinceID: try row.decode(column: "province_id", as: Int64.self), period: try row.decode(column: "period", as: String.self)
            )
            var figures = PerformanceFigures()
            for counter in PerformanceFigures.counters {
                figures[keyPath: counter.path] = try row.decode(column: counter.name, as: Int.self)
            }
            stored[key] = figures
        }
        return stored
    }

    private enum Found: Sendable { case whole, missing, damaged }

    /// Every attachment row against its file (read back whole from the folder or the bucket and hashed), then
    /// the files no row names.
    private static func checkAttachments(_ app: Application, into report: inout VerifyReport) async throws {
        let store = app.tanggap.attachments.backend
        var named = Set<String>()
        var missing = 0, damaged = 0
        var after: Int64 = 0
        while true {
            let rows = try await app.db.sql.raw(
                "SELECT id, storage_key, sha256, size FROM attachments WHERE id > \(bind: after) ORDER BY id LIMIT 1000"
            ).all()
            let described = try rows.map { row in
                (
                    key: try row.decode(column: "storage_key", as: String.self), sha256: try row.decode(column: "sha256", as: String.self),
                    size: try row.decode(column: "size", as: Int64.self)
                )
            }
            after = try rows.last?.decode(column: "id", as: Int64.self) ?? after
            report.attachments += rows.count
            let found = try await mapConcurrently(described) { file -> Found in
                guard AttachmentStore.isKey(file.key), let data = try await store.get(file.key, upTo: AttachmentStore.largestFile) else {
                    return .missing
                }
                return Hex.string(SHA256.hash(data: data)) == file.sha256 && Int64(data.count) == file.size ? .whole : .damaged
            }
            named.formUnion(described.map(\.key))
            missing += found.filter { $0 == .missing }.count
            damaged += found.filter { $0 == .damaged }.count
            if rows.count < 1000 { break }
        }
        if missing > 0 { report.problems.append("\(missing) attachment file(s) missing") }
        if damaged > 0 { report.problems.append("\(damaged) attachment file(s) whose SHA-256 or size differs from the database") }
        try await store.forEachPage { page in
            report.orphans += page.map(\.key).filter { !named.contains($0) }
        }
    }
}
