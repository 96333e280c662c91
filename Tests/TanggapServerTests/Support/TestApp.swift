import Fluent
import Foundation
import SQLKit
import Synchronization
import Vapor
import VaporTesting

@testable import TanggapServer

/// The database the server tests run on: SQLite in a temporary file, or, when `TANGGAP_TEST_DATABASE_URL`
/// names a PostgreSQL server, a fresh schema on it per test. The test script runs the suite once each way.
enum TestDatabase {
    static let postgresURL: String? = {
        let url = ProcessInfo.processInfo.environment["TANGGAP_TEST_DATABASE_URL"]
        return url?.isEmpty == false ? url : nil
    }()

    static var name: String { postgresURL == nil ? "SQLite" : "PostgreSQL" }
}

/// A clock a test can move.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var clock: Clock { Clock { [self] in self.now } }
}

/// Runs `body` against a fully configured application on a fresh, migrated database, then tears it all down.
func withTestApp(
    clock: TestClock = TestClock(), configure adjust: (inout Settings) -> Void = { _ in },
    _ body: (Application) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tanggap-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    let database: DatabaseLocation =
        TestDatabase.postgresURL.map { .postgres(url: $0, schema: schema) }
        ?? .sqlite(path: directory + "/tanggap.sqlite")
    // Background work is driven by the tests themselves, with their own clock.
    var settings = Settings(database: database, dataDirectory: directory, bcryptCost: 4, migrateOnStart: true, demo: .never, workers: 0)
    settings.rateLimits.submissionsPerMinute = 100_000
    settings.rateLimits.loginsPerMinute = 100_000
    settings.rateLimits.reporterActionsPerMinute = 100_000
    settings.rateLimits.secretChecksPerMinute = 100_000
    settings.rateLimits.flagsPerMinute = 100_000
    adjust(&settings)

    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    do {
        try await configure(app, settings: settings, clock: clock.clock)
        try await body(app)
    } catch {
        await tearDown(app, schema: database.isPostgres ? schema : nil, directory: directory)
        throw error
    }
    await tearDown(app, schema: database.isPostgres ? schema : nil, directory: directory)
}

private func tearDown(_ app: Application, schema: String?, directory: String) async {
    if let schema {
        try? await app.db.sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
    }
    try? await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: directory)
}

extension Application {
    /// Runs the queued jobs until none is due, as the worker would (no periodic task): mail, deliveries, notices.
    func runQueuedJobs() async throws {
        let worker = JobWorker(name: "test", context: tanggap, db: db, logger: logger, periodic: [])
        while try await worker.runOnce() > 0 {}
    }
}
