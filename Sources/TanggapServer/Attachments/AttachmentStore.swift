import Crypto
import Foundation
import NIOPosix
import TanggapCore
import Vapor

/// Keeps attachment files on disk under the data directory, named by random keys: the name a reporter gave
/// a file never becomes a path.
struct AttachmentStore: Sendable {
    let directory: String
    let threadPool: NIOThreadPool

    struct Stored: Sendable {
        let storageKey: String
        let sha256: String
    }

    /// Writes a file and returns its key; the caller removes it again if the database write fails.
    func save(_ data: Data) async throws -> Stored {
        let key = Self.randomKey()
        let path = self.path(for: key)
        let digest = Hex.string(SHA256.hash(data: data))
        try await threadPool.runIfActive {
            let folder = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            do {
                try data.write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
            } catch {
                // A write that failed halfway (a full disk) leaves a partial file behind: it must not stay.
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
        }
        return Stored(storageKey: key, sha256: digest)
    }

    func load(_ key: String) async throws -> Data {
        let path = try checkedPath(for: key)
        return try await threadPool.runIfActive { try Data(contentsOf: URL(fileURLWithPath: path)) }
    }

    func remove(_ keys: [String]) async {
        let paths = keys.compactMap { try? checkedPath(for: $0) }
        try? await threadPool.runIfActive {
            for path in paths { try? FileManager.default.removeItem(atPath: path) }
        }
    }

    private func path(for key: String) -> String {
        let a = key.prefix(2), b = key.dropFirst(2).prefix(2)
        return "\(directory)/\(a)/\(b)/\(key)"
    }

    /// Keys are only ever ours (32 hex digits); anything else is refused before it touches the file system.
    private func checkedPath(for key: String) throws -> String {
        guard key.count == 32, key.allSatisfy({ $0.isHexDigit && $0.isASCII }) else { throw APIError.notFound }
        return path(for: key)
    }

    static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.string((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
