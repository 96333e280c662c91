import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// `tanggap backup DEST`: a consistent copy of a running deployment in one folder — the database as one snapshot
/// (SQLite's `VACUUM INTO`; on PostgreSQL `pg_dump` in a snapshot the row counts are read in too), then the
/// attachments (from the folder or the bucket), then `manifest.json` with the SHA-256 of every file.
///
/// The order is what makes it whole: intake writes a report's files before it commits the report, so every file
/// a report in the snapshot names is already stored when the files are copied after it. Files of reports filed
/// after the snapshot come along too; `tanggap verify` lists them as orphans.
public enum Backup {
    public static let sqliteFile = "database.sqlite"
    public static let postgresFile = "database.pgdump"
    public static let attachmentsFolder = "attachments"

    public static func take(into destination: String, app: Application, settings: Settings) async throws -> BackupManifest {
        let files = FileManager.default
        if let existing = try? files.contentsOfDirectory(atPath: destination), !existing.isEmpty {
            throw BackupError.destinationNotEmpty(destination)
        }
        try files.createDirectory(atPath: destination, withIntermediateDirectories: true)
        let schema = try await lastMigration(on: app.db)
        let counts: [String: Int64]
        let dumpName: String
        switch settings.database {
        case .sqlite:
            dumpName = sqliteFile
            counts = try await snapshotSQLite(to: destination + "/" + dumpName, app: app)
        case .postgres(let url, _):
            dumpName = postgresFile
            counts = try await snapshotPostgres(url: url, to: destination + "/" + dumpName, on: app.db)
        }
        var described = [try BackupManifest.describe(destination + "/" + dumpName, as: dumpName)]
        try await app.tanggap.attachments.backend.copyAll(into: destination + "/" + attachmentsFolder)
        described += try describeTree(destination + "/" + attachmentsFolder, relativeTo: destination)
        let manifest = BackupManifest(
            version: TanggapRelease.version, schema: schema, engine: settings.database.isPostgres ? "postgres" : "sqlite",
            createdAt: app.tanggap.clock.now(), counts: counts, files: described)
        try manifest.write(to: destination)
        return manifest
    }

    /// `VACUUM INTO` writes a consistent, compact copy while writers go on; the counts are read from the copy.
    private static func snapshotSQLite(to path: String, app: Application) async throws -> [String: Int64] {
        try await app.db.sql.raw("VACUUM INTO \(literal: path)").run()
        let copy = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: app.threadPool, logger: app.logger, on: app.eventLoopGroup.any())
        do {
            let counted = try await counts(on: copy.sql())
            try await copy.close()
            return counted
        } catch {
            try? await copy.close()
            throw error
        }
    }

    /// One REPEATABLE READ transaction exports its snapshot, counts in it, and hands it to `pg_dump`, so the dump
    /// and the counts describe the same moment.
    private static func snapshotPostgres(url: String, to path: String, on db: any Database) async throws -> [String: Int64] {
        try await db.transaction { tx in
            try await tx.sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run()
            let snapshot = try await tx.sql.raw("SELECT pg_export_snapshot() AS id").first(decodingColumn: "id", as: String.self) ?? ""
            let counted = try await counts(on: tx.sql)
            _ = try await PostgresTools.run("pg_dump", ["--format=custom", "--snapshot=\(snapshot)", "--file=\(path)", "--dbname=\(url)"])
            return counted
        }
    }

    static func counts(on sql: any SQLDatabase) async throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for table in BackupManifest.countedTables {
            counts[table] = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decodingColumn: "n", as: Int64.self)
        }
        return counts
    }

    static func lastMigration(on db: any Database) async throws -> String {
        try await db.sql.raw("SELECT name FROM _fluent_migrations ORDER BY batch DESC, name DESC LIMIT 1")
            .first(decodingColumn: "name", as: String.self) ?? ""
    }

    /// Describes every file under `folder` by its path relative to `base`.
    static func describeTree(_ folder: String, relativeTo base: String) throws -> [BackupManifest.File] {
        try AttachmentLayout.files(under: folder).map { file in
            let path = folder + "/" + file.relative
            return try BackupManifest.describe(path, as: String(path.dropFirst(base.count + 1)))
        }.sorted { $0.path < $1.path }
    }
}
