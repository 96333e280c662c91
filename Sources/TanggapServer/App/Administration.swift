import Fluent
import Foundation
import Logging
import SQLKit
import TanggapCore
import Vapor

/// What the command line needs from the server beyond `configure`.

public func pendingMigrations(_ app: Application) async throws -> [String] {
    try await DatabaseSetup.pendingMigrations(on: app.db)
}

/// Reaches the attachments' folder or bucket once at start, so a wrong bucket, endpoint or key stops the server
/// with the reason instead of failing the first report that carries a photo.
public func checkAttachmentStorage(_ app: Application) async throws {
    do {
        try await app.tanggap.attachments.backend.check()
    } catch {
        throw SettingsError.invalid("TANGGAP_ATTACHMENTS_URL", "\(app.tanggap.settings.attachmentStorage.summary) cannot be used: \(error)")
    }
}

/// Removes attachment files no report names, older than `grace` (the setting's own when nil); says what it did.
public func sweepOrphanAttachments(_ app: Application, grace: TimeInterval? = nil) async throws -> String {
    let context = app.tanggap
    return try await OrphanSweeper.sweep(
        context.attachments, grace: grace ?? context.settings.orphanGrace, now: context.clock.now(), on: app.db
    ).description
}

/// True when no institution exists yet: a database nobody has set up.
public func isEmpty(_ db: any Database) async throws -> Bool {
    try await InstitutionModel.query(on: db).count() == 0
}

public struct CreatedUser: Sendable {
    public let id: Int64
    public let email: String
}

/// Creates a national admin on the national institution, creating that institution on a new database.
public func createNationalAdmin(
    name: String, email: String, password: String, nationalInstitution: String, app: Application
) async throws -> CreatedUser {
    let db = app.db
    let now = app.tanggap.clock.now()
    var root = try await InstitutionDirectory.root(on: db)
    if root == nil {
        root = try await InstitutionDirectory.create(
            name: nationalInstitution, kind: .national, under: nil, code: "nasional", timeZone: "Asia/Jakarta", now: now, on: db)
    }
    let national = root!
    do {
        let user = try await AccountService.create(
            .init(name: name, email: email, password: password, institutionID: national.id, roles: [(.nationalAdmin, national.id)]),
            bcryptCost: app.tanggap.settings.bcryptCost, now: now, on: db)
        return CreatedUser(id: user.id, email: user.email)
    } catch let failure as ValidationFailure {
        throw AdministrationError.invalid(
            failure.errors.map {
                "\($0.field): \(app.tanggap.localizer.text("field.\($0.code.rawValue)", .en, ["limit": $0.limit.map(String.init) ?? ""]))"
            })
    } catch let error as APIError where error.code == "email_taken" {
        throw AdministrationError.invalid(["email: already registered"])
    }
}

public enum AdministrationError: Error, CustomStringConvertible {
    case invalid([String])
    public var description: String {
        switch self {
        case .invalid(let problems): problems.joined(separator: "; ")
        }
    }
}

public func makeJSONLogHandler(label: String, level: Logger.Level) -> any LogHandler {
    JSONLogHandler(label: label, level: level)
}

/// Runs one SLA sweep now.
public func sweepDeadlines(_ app: Application) async throws -> some CustomStringConvertible {
    try await SLASweeper.sweep(context: app.tanggap, on: app.db)
}

/// Writes the national tree and `reports` synthetic reports (see `Generator`).
public func generateSyntheticData(
    reports: Int, years: Double, offices: Int, seed: UInt64, password: String, app: Application
) async throws -> String {
    try await Generator.generate(
        reports: reports, years: years, officesPerGovernment: offices, seed: seed, staffPassword: password, context: app.tanggap,
        resourcesDirectory: app.directory.resourcesDirectory, on: app.db
    ).description
}

/// Counts every report's figures again (after reports were written straight into the database, or to repair).
public func recountFigures(_ app: Application) async throws -> String {
    let summary = try await ReportTallies.rebuild(context: app.tanggap, on: app.db)
    return "\(summary.reports) reports counted into \(summary.rows) rows in \(String(format: "%.1f", summary.seconds)) s"
}

public func importHolidays(
    from path: String, kind: String, institutionID: Int64?, app: Application
) async throws -> ReferenceDataImporter.Counts {
    guard let kind = HolidayKind(rawValue: kind) else { throw AdministrationError.invalid(["kind: national, cuti_bersama or local"]) }
    if let institutionID, try await InstitutionDirectory.find(institutionID, on: app.db) == nil {
        throw AdministrationError.invalid(["institution: no institution \(institutionID)"])
    }
    return try await HolidayStore.importCSV(path, kind: kind, institutionID: institutionID, now: app.tanggap.clock.now(), on: app.db)
}

/// Queues `count` probe jobs in one batch; returns the batch's name.
public func enqueueProbes(count: Int, app: Application) async throws -> String {
    let batch = UUID().uuidString.prefix(8).lowercased()
    let now = app.tanggap.clock.now()
    var queued = 0
    while queued < count {
        let size = min(1_000, count - queued)
        try await app.db.transaction { db in
            for _ in 0..<size {
                try await JobQueue.enqueue(JobKinds.probe, payload: Probe.Payload(batch: String(batch)), runAt: now, on: db)
            }
        }
        queued += size
    }
    return String(batch)
}

public struct ProbeReport: Sendable, CustomStringConvertible {
    public let queued: Int
    public let ran: Int
    public let workers: [String: Int]
    public let runMoreThanOnce: Int
    public let dead: Int
    public let seconds: Double

    public var isClean: Bool { ran == queued && runMoreThanOnce == 0 && dead == 0 }

    public var description: String {
        let shares = workers.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n")
        return """
            probe: \(ran)/\(queued) jobs ran in \(String(format: "%.1f", seconds)) s; run more than once: \(runMoreThanOnce); dead: \(dead)
            by worker:
            \(shares)
            """
    }
}

/// Waits until the probe batch has run, then counts who ran what.
public func awaitProbes(batch: String, count: Int, timeout: TimeInterval, app: Application) async throws -> ProbeReport {
    struct Counts: Decodable {
        let total: Int
        let finished: Int
        let dead: Int
        let retried: Int
    }
    let started = Date()
    let pattern = "%\"\(batch)\"%"
    var counts = Counts(total: 0, finished: 0, dead: 0, retried: 0)
    while Date().timeIntervalSince(started) < timeout {
        counts = try await app.db.sql.raw(
            """
            SELECT COUNT(*) AS total,
                   SUM(CASE WHEN state IN ('done', 'dead') THEN 1 ELSE 0 END) AS finished,
                   SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END) AS dead,
                   SUM(CASE WHEN attempts > 1 THEN 1 ELSE 0 END) AS retried
            FROM jobs WHERE kind = \(bind: JobKinds.probe) AND payload LIKE \(bind: pattern)
            """
        ).first(decoding: Counts.self)!
        if counts.finished >= count { break }
        try await Task.sleep(for: .milliseconds(500))
    }
    struct Share: Decodable {
        let worker: String
        let n: Int
    }
    let shares = try await app.db.sql.raw(
        """
        SELECT p.worker, COUNT(*) AS n FROM job_probes p JOIN jobs j ON j.id = p.job_id
        WHERE j.payload LIKE \(bind: pattern) GROUP BY p.worker
        """
    ).all(decoding: Share.self)
    let ran = shares.reduce(0) { $0 + $1.n }
    return ProbeReport(
        queued: counts.total, ran: ran, workers: Dictionary(uniqueKeysWithValues: shares.map { ($0.worker, $0.n) }),
        runMoreThanOnce: counts.retried, dead: counts.dead, seconds: Date().timeIntervalSince(started))
}

/// A new random password, as the demo and the generator print for their accounts.
public func randomPassword() -> String { DemoSeeder.randomPassword() }

/// `tanggap evaluate`: the suggestions measured on this instance's own history (see `RoutingEvaluation`); a table,
/// or the figures as JSON.
public func evaluateSuggestions(testShare: Double, mostTested: Int, json: Bool, app: Application) async throws -> String {
    let figures = try await RoutingEvaluation.run(testShare: testShare, mostTested: mostTested, on: app.db)
    guard json else { return figures.table }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(figures), as: UTF8.self)
}

/// `tanggap suggestions train`: learns a new suggestion model now, as the worker does daily; nil when the history is
/// still too short (fewer than 50 dispatched reports).
public func trainSuggestions(app: Application) async throws -> String? {
    try await RoutingModels.train(now: app.tanggap.clock.now(), on: app.db)?.description
}
