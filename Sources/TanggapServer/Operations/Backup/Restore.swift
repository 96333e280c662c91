import Foundation
import SQLKit
import Vapor

/// `tanggap restore SRC`: checks the backup whole before anything is touched (every file against the manifest),
/// refuses a target that already holds data unless told `--force`, then puts the database and the attachments in
/// place. The command runs `tanggap verify` after it.
public enum Restore {
    /// What the target holds before the restore: run by the command with the target database open.
    public struct Target: Sendable {
        public let databaseHasTables: Bool

        public init(databaseHasTables: Bool) { self.databaseHasTables = databaseHasTables }
    }

    /// Reads and checks the backup in `source`; throws naming the first damaged file.
    public static func check(_ source: String) throws -> BackupManifest {
        let manifest = try BackupManifest.read(from: source)
        try manifest.check(in: source)
        return manifest
    }

    /// Whether the PostgreSQL database (its schema) has any table yet.
    public static func postgresTarget(_ app: Application) async throws -> Target {
        let tables =
            try await app.db.sql.raw(
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()"
            ).first(decodingColumn: "n", as: Int64.self) ?? 0
        return Target(databaseHasTables: tables > 0)
    }

    /// Whether the embedded database file already holds anything (an empty or missing file does not).
    public static func sqliteTargetHasData(_ settings: Settings) -> Bool {
        guard case .sqlite(let path) = settings.database else { return false }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return size > 0
    }

    public static func put(
        _ manifest: BackupManifest, from source: String, into settings: Settings, target: Target, force: Bool
    ) async throws {
        let engine = settings.database.isPostgres ? "postgres" : "sqlite"
        guard manifest.engine == engine else { throw BackupError.wrongEngine(backup: manifest.engine, target: engine) }
        let files = FileManager.default
        let store = AttachmentStore(settings: settings).backend
        let attachmentsInUse = try await !store.isEmpty()
        if !force {
            if target.databaseHasTables { throw BackupError.targetNotEmpty("the target database") }
            if attachmentsInUse { throw BackupError.targetNotEmpty("the attachments (\(settings.attachmentStorage.summary))") }
        }
        switch settings.database {
        case .sqlite(let path):
            for stale in [path, path + "-wal", path + "-shm"] where files.fileExists(atPath: stale) { try files.removeItem(atPath: stale) }
            try files.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try files.copyItem(atPath: source + "/" + Backup.sqliteFile, toPath: path)
        case .postgres(let url, _):
            var arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname=\(url)"]
            if force { arguments += ["--clean", "--if-exists"] }
            _ = try await PostgresTools.run("pg_restore", arguments + [source + "/" + Backup.postgresFile])
        }
        // The target's own files go, so that what is left is exactly the backup's.
        if attachmentsInUse { try await store.forEachPage { page in try await forEachConcurrently(page.map(\.key), store.delete) } }
        try await store.putAll(from: source + "/" + Backup.attachmentsFolder)
    }
}
