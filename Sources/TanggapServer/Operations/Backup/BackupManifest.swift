import Crypto
import Foundation
import TanggapCore

/// `manifest.json` in a backup folder: what made it, what it holds, and the SHA-256 of every file, so a restore can
/// tell a whole backup from a damaged one before it touches anything.
public struct BackupManifest: Codable, Sendable {
    public static let fileName = "manifest.json"
    public static let currentFormat = "tanggap-backup/1"

    public struct File: Codable, Sendable, Equatable {
        public let path: String
        public let bytes: Int64
        public let sha256: String
    }

    public var format = Self.currentFormat
    public let version: String
    /// The last migration the database had run.
    public let schema: String
    /// `sqlite` or `postgres`: a backup restores into the same engine.
    public let engine: String
    public let createdAt: Date
    /// Rows in the backed-up database, read in the same snapshot as the dump.
    public let counts: [String: Int64]
    public var files: [File]

    enum CodingKeys: String, CodingKey {
        case format, version, schema, engine, counts, files
        case createdAt = "created_at"
    }

    /// The tables whose rows a manifest counts.
    static let countedTables = ["reports", "report_events", "attachments", "users", "institutions"]

    func write(to folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(self).write(to: URL(fileURLWithPath: folder + "/" + Self.fileName))
    }

    static func read(from folder: String) throws -> BackupManifest {
        let path = folder + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else { throw BackupError.notABackup(folder) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let manifest = try? decoder.decode(BackupManifest.self, from: data), manifest.format == currentFormat else {
            throw BackupError.notABackup(folder)
        }
        return manifest
    }

    /// Every file is there with its size and digest; the first one that is not is named.
    func check(in folder: String) throws {
        for file in files {
            guard !file.path.contains(".."), !file.path.hasPrefix("/") else { throw BackupError.damaged(file.path, "outside the backup") }
            let path = folder + "/" + file.path
            guard FileManager.default.fileExists(atPath: path) else { throw BackupError.damaged(file.path, "missing") }
            let found = try Self.describe(path, as: file.path)
            guard found == file else { throw BackupError.damaged(file.path, "its SHA-256 or size differs from the manifest") }
        }
    }

    /// A file's size and SHA-256, read in pieces (a database dump may be large).
    static func describe(_ path: String, as relative: String) throws -> File {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BackupError.damaged(relative, "unreadable") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var bytes: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            bytes += Int64(chunk.count)
        }
        return File(path: relative, bytes: bytes, sha256: Hex.string(Array(hasher.finalize())))
    }
}

public enum BackupError: Error, CustomStringConvertible {
    case notABackup(String)
    case damaged(String, String)
    case targetNotEmpty(String)
    case wrongEngine(backup: String, target: String)
    case toolMissing(String, package: String)
    case toolFailed(String, String)
    case destinationNotEmpty(String)

    public var description: String {
        switch self {
        case .notABackup(let folder): "\(folder) holds no Tanggap backup (no readable \(BackupManifest.fileName))"
        case .damaged(let file, let why): "the backup is damaged: \(file) is \(why); nothing was restored"
        case .targetNotEmpty(let what):
            "\(what) is not empty: restore over it with --force, or point TANGGAP_DATA_DIR / TANGGAP_DATABASE_URL elsewhere"
        case .wrongEngine(let backup, let target): "the backup is of a \(backup) database and the target is \(target)"
        case .toolMissing(let tool, let package):
            "\(tool) is not installed: install Debian's \(package) package (apt-get install \(package))"
        case .toolFailed(let tool, let output): "\(tool) failed: \(output)"
        case .destinationNotEmpty(let folder): "\(folder) exists and is not empty: a backup goes into a new folder"
        }
    }
}
