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

    /// Where grouped writes go; nil for the default database (PostgreSQL's pool has connections to spare).
    static func groupCommitDatabase(_ location: DatabaseLocation) -> DatabaseID? {
        location.isPostgres ? nil : .groupCommit
    }

    static func configure(_ app: Application, _ location: DatabaseLocation) throws {
        switch location {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
            // SQLite gets one connection per event loop. The group commit writes on connections of its own, so that
            // a request's reads never queue behind a group's transaction holding its loop's only connection.
            app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .groupCommit, isDefault: false)
        case .postgres(let url, let schema):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let schema { configuration.searchPath = [schema, "public"] }
            app.databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
        }
        for migration in TanggapMigrations.all { app.migrations.add(migration) }
    }

    /// Settings that belong to the database file rather than to a connection.
    static func prepare(_ app: Application, _ location: DatabaseLocation) async throws {
        let sql = app.db as! any SQLDatabase
        switch location {
        case .sqlite:
            // Write-ahead logging: readers never wait for the writer. The mode is kept in the file.
            try await sql.raw("PRAGMA journal_mode=WAL").run()
        case .postgres(_, let schema?):
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        case .postgres:
            break
        }
    }

    /// Runs pending migrations. On PostgreSQL an advisory lock makes instances that start together take turns.
    static func migrate(_ app: Application, _ location: DatabaseLocation) async throws {
        guard location.isPostgres else {
            try await app.autoMigrate()
            return
        }
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
        struct Row: Decodable { let name: String }
        let applied: Set<String>
        do {
            applied = Set(try await sql.raw("SELECT name FROM _fluent_migrations").all(decoding: Row.self).map(\.name))
        } catch {
            applied = []
        }
        return TanggapMigrations.all.map(\.name).filter { !applied.contains($0) }
    }
}

extension DatabaseID {
    static let groupCommit = DatabaseID(string: "group-commit")
}

extension Database {
    var sql: any SQLDatabase { self as! any SQLDatabase }

    /// True on PostgreSQL; the few places where the two engines differ ask this.
    var isPostgres: Bool { sql.dialect.name == "postgresql" }
}
