import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Connects the application to its database and brings the schema up to date.
enum DatabaseSetup {
    /// A constant key for PostgreSQL's advisory lock, so that instances starting at once migrate one at a time.
    private static let migrationLockKey: Int64 = 0x5441_4E47_4150

    /// Registers the request pool. On PostgreSQL it is renewable: `DatabaseWatch` moves it to a new pool after a
    /// lost connection or a failover, and the first pool goes to the first server listed.
    @discardableResult
    static func configure(_ app: Application, _ location: DatabaseLocation, poolDeadline: Duration) throws -> RenewableDatabase? {
        for migration in TanggapMigrations.all { app.migrations.add(migration) }
        switch location {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            app.databases.use(try connections(to: location, perEventLoop: 4, poolDeadline: poolDeadline), as: .sqlite)
            return nil
        case .postgres(let url, let schema):
            return try RenewableDatabase(app.databases, name: "psql", url: PostgresTargets.split(url)[0]) { url in
                try connections(to: .postgres(url: url, schema: schema), perEventLoop: 4, poolDeadline: poolDeadline)
            }
        }
    }

    /// How to connect to `location`. SQLite always gets one connection per event loop (its driver's rule);
    /// PostgreSQL gets `perEventLoop`, and a request waits no longer than `poolDeadline` for one of them.
    static func connections(to location: DatabaseLocation, perEventLoop: Int, poolDeadline: Duration) throws -> DatabaseConfigurationFactory
    {
        switch location {
        case .sqlite(let path):
            return .sqlite(.file(path), sqlLogLevel: .trace)
        case .postgres(let url, let schema):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let schema { configuration.searchPath = [schema, "public"] }
            let timeout = TimeAmount.milliseconds(
                Int64(poolDeadline.components.seconds * 1000 + poolDeadline.components.attoseconds / 1_000_000_000_000_000))
            return .postgres(
                configuration: configuration, maxConnectionsPerEventLoop: perEventLoop, connectionPoolTimeout: timeout, sqlLogLevel: .trace)
        }
    }

    /// The threads that run SQLite's statements and file reads: more than there are SQLite connections.
    ///
    /// SQLite's driver retries a locked database at once and for ever, on the thread running the statement. With
    /// as many threads as cores (NIO's default, two here), two writers waiting for the lock took both, and the
    /// connection holding it could never run its next statement to commit: every request that needed the
    /// database hung at full CPU (seen in the browser tests). With a thread for every connection and a few for
    /// files, the holder always gets one; `busy_timeout` below makes the waiters sleep instead of spin.
    static func blockingThreads() -> NIOThreadPool {
        NIOThreadPool(numberOfThreads: max(8, 3 * System.coreCount + 4))
    }

    /// Settings that belong to the database file, and on SQLite the page cache and the lock wait of the
    /// connections that serve requests (and of `alsoOn`, the commit lane's).
    static func prepare(
        _ app: Application, _ location: DatabaseLocation, cacheMegabytes: Int, busyWait: Duration, alsoOn others: [any Database] = []
    ) async throws {
        let sql = app.db as! any SQLDatabase
        switch location {
        case .sqlite:
            // Write-ahead logging: readers never wait for the writer. The mode is kept in the file.
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            // The driver keeps one connection per event loop for the server's life and has no hook for a new one,
            // so each is given its cache here. SQLite's own 2 MB made a searched inbox copy index pages from the
            // file again and again (`pread`, an eighth of its time at ten million reports). A connection the pool
            // ever replaces falls back to 2 MB: slower, never wrong.
            // A writer that finds the database locked sleeps and tries again for up to `busyWait` (SQLite's own
            // busy handler), then fails with "busy" for `writeTransaction` to retry, where the driver's own spins on.
            let wait = Int(busyWait.components.seconds * 1000)
            for loop in app.eventLoopGroup.makeIterator() {
                let connection = app.databases.database(logger: app.logger, on: loop) as! any SQLDatabase
                try await connection.raw("PRAGMA cache_size = \(literal: -1024 * cacheMegabytes)").run()
                try await connection.raw("PRAGMA busy_timeout = \(literal: wait)").run()
            }
            for other in others { try await other.sql.raw("PRAGMA busy_timeout = \(literal: wait)").run() }
        case .postgres(_, let schema?):
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        case .postgres:
            break
        }
    }

    /// Runs pending migrations. On PostgreSQL an advisory lock makes instances that start together take turns.
    static func migrate(_ app: Application, _ location: DatabaseLocation) async throws {
        let pending = try await pendingMigrations(on: app.db)
        // The migrator's two lines for each migration are detail (TANGGAP_LOG_LEVEL=debug); a start says one line.
        app.fluent.migrationLogLevel = .debug
        if location.isPostgres {
            try await migrateUnderLock(app)
        } else {
            try await app.autoMigrate()
        }
        if let first = pending.first, let last = pending.last {
            let names = pending.count == 1 ? first : "\(first) … \(last)"
            app.logger.info(
                "database schema brought up to date",
                metadata: ["pending": .stringConvertible(pending.count), "migrations": .string(names)])
        }
    }

    /// Several instances migrating at once take turns under an advisory lock.
    private static func migrateUnderLock(_ app: Application) async throws {
        try await app.db.withConnection { connection in
            let sql = connection as! any SQLDatabase
            try await sql.raw("SELECT pg_advisory_lock(\(bind: migrationLockKey))").run()
            do {
                try await app.autoMigrate()
            } catch {
                try? await sql.raw("SELECT pg_advisory_unlock(\(bind: migrationLockKey))").run()
                throw error
            }
            try await sql.raw("SELECT pg_advisory_unlock(\(bind: migrationLockKey))").run()
        }
    }

    /// The migrations that have not run yet, by name.
    static func pendingMigrations(on db: any Database) async throws -> [String] {
        let sql = db as! any SQLDatabase
        let applied: Set<String>
        do {
            applied = Set(try await sql.raw("SELECT name FROM _fluent_migrations").all(decodingColumn: "name", as: String.self))
        } catch {
            // No table yet means nothing ran; a database that does not answer is not a fresh one.
            try await sql.raw("SELECT 1").run()
            applied = []
        }
        return TanggapMigrations.all.map(\.name).filter { !applied.contains($0) }
    }
}

extension Database {
    var sql: any SQLDatabase { self as! any SQLDatabase }

    /// True on PostgreSQL; the few places where the two engines differ ask this.
    var isPostgres: Bool { sql.dialect.name == "postgresql" }
}
