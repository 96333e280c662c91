import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

@Suite struct DatabaseTests {
    @Test func theSuiteRunsOnTheDatabaseItWasAskedFor() async throws {
        try await withTestApp { app in
            #expect(app.db.isPostgres == (TestDatabase.postgresURL != nil))
            struct Version: Decodable { let v: String }
            let version = try await app.db.sql.raw(
                SQLQueryString(app.db.isPostgres ? "SELECT version() AS v" : "SELECT sqlite_version() AS v")
            )
            .first(decoding: Version.self)!.v
            print("Server tests are running on \(TestDatabase.name): \(version)")
            if !app.db.isPostgres {
                struct Mode: Decodable { let journal_mode: String }
                #expect(try await app.db.sql.raw("PRAGMA journal_mode").first(decoding: Mode.self)?.journal_mode == "wal")
            }
            #expect(try await DatabaseSetup.pendingMigrations(on: app.db).isEmpty)
        }
    }

    /// On SQLite every connection that serves requests (one per event loop) has the page cache that was set.
    @Test func everyConnectionThatServesRequestsHasThePageCacheSet() async throws {
        try await withTestApp(configure: { $0.sqliteCacheMegabytes = 24 }) { app in
            guard !app.db.isPostgres else { return }
            struct Cache: Decodable { let cache_size: Int }
            var loops = 0
            for loop in app.eventLoopGroup.makeIterator() {
                let db = app.databases.database(logger: app.logger, on: loop)!.sql
                let cache = try await db.raw("PRAGMA cache_size").first(decoding: Cache.self)
                #expect(cache?.cache_size == -24 * 1024)
                loops += 1
            }
            #expect(loops == System.coreCount)
        }
        #expect(throws: (any Error).self) { try Settings.fromEnvironment(["TANGGAP_SQLITE_CACHE_MB": "lots"]) }
        let parsed = try Settings.fromEnvironment(["TANGGAP_SQLITE_CACHE_MB": "64"])
        #expect(parsed.sqliteCacheMegabytes == 64)
    }

    /// On SQLite, a transaction holding the write lock still gets a thread for its next statement while two other
    /// connections wait for the lock. With a thread per core, the two waiters took both threads, spinning, and the
    /// holder never committed: every request that needed the database hung.
    @Test func aWriterHoldingTheLockCommitsWhileTwoOthersWaitForIt() async throws {
        try await withTestApp { app in
            guard !app.db.isPostgres else { return }
            let loops = Array(app.eventLoopGroup.makeIterator())
            try #require(loops.count > 1)
            try await app.db.sql.raw("CREATE TABLE lock_probe (n BIGINT PRIMARY KEY)").run()
            let holder = app.databases.database(logger: app.logger, on: loops[0])!
            let other = app.databases.database(logger: app.logger, on: loops[1])!
            let lane = app.tanggap.commits
            struct Busy: Decodable { let timeout: Int }
            #expect(try await other.sql.raw("PRAGMA busy_timeout").first(decoding: Busy.self)?.timeout == 5_000)
            try await withDeadline(.seconds(4), "the holder's commit") {
                try await holder.transaction { db in
                    try await db.sql.raw("INSERT INTO lock_probe (n) VALUES (1)").run()
                    // Two writers on the two other connections (a request's and the commit lane's) now wait.
                    let waiting = [
                        Task { try await other.sql.raw("INSERT INTO lock_probe (n) VALUES (2)").run() },
                        Task { _ = try await lane.check() },
                    ]
                    try await Task.sleep(for: .milliseconds(300))
                    try await db.sql.raw("INSERT INTO lock_probe (n) VALUES (3)").run()
                    _ = waiting
                }
            }
            struct N: Decodable { let n: Int }
            // The waiters went in once the holder committed.
            try await withDeadline(.seconds(6), "the waiters") {
                while try await app.db.sql.raw("SELECT COUNT(*) AS n FROM lock_probe").first(decoding: N.self)!.n < 3 {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
    }

    /// History is never rewritten: the database refuses, whatever code asks.
    @Test func theDatabaseRefusesToRewriteHistory() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            try await world.must(.correct, on: report.trackingID, by: world.pemkabAdmin, ["title": "Judul yang dikoreksi"])
            let sql = app.db.sql
            let attempts: [SQLQueryString] = [
                "UPDATE report_events SET note = 'diubah'",
                "DELETE FROM report_events",
                "UPDATE report_corrections SET title = 'lain'",
                "DELETE FROM report_corrections",
                "UPDATE reports SET body = 'isi diganti'",
                "UPDATE reports SET original_title = 'judul diganti'",
                "UPDATE reports SET tracking_id = 'AAAAAAAAAA'",
                "DELETE FROM reports",
            ]
            for statement in attempts {
                await #expect(throws: (any Error).self, "\(statement)") { try await sql.raw(statement).run() }
            }
            // What may change still changes: the current title, the state.
            try await sql.raw("UPDATE reports SET title = 'boleh'").run()
            let counts = try await world.tableCounts()
            #expect(counts["report_events"] == 4 && counts["report_corrections"] == 1 && counts["reports"] == 1)
        }
    }

    @Test func migrationsRunTwiceWithoutHarm() async throws {
        try await withTestApp { app in
            try await DatabaseSetup.migrate(app, app.tanggap.settings.database)
            #expect(try await DatabaseSetup.pendingMigrations(on: app.db).isEmpty)
        }
    }
}
