import Fluent
import Foundation
import SQLKit
import Testing
@testable import TanggapCore
@testable import TanggapServer
import Vapor

@Suite struct DatabaseTests {
    @Test func theSuiteRunsOnTheDatabaseItWasAskedFor() async throws {
        try await withTestApp { app in
            #expect(app.db.isPostgres == (TestDatabase.postgresURL != nil))
            struct Version: Decodable { let v: String }
            let version = try await app.db.sql.raw(SQLQueryString(app.db.isPostgres ? "SELECT version() AS v" : "SELECT sqlite_version() AS v"))
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

    /// History is never rewritten: the database refuses, whatever code asks.
    @Test func theDatabaseRefusesToRewriteHistory() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            try await world.must("correct", on: report.trackingID, by: world.pemkabAdmin, ["title": "Judul yang dikoreksi"])
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
