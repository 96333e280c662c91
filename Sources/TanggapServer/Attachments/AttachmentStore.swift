import Crypto
import Foundation
import NIOPosix
import TanggapCore
import Vapor

/// Keeps attachment files, named by random keys: the name a reporter gave a file never becomes a path or an
/// object's key. Where they are kept — a folder or a bucket — is the backend's business.
struct AttachmentStore: Sendable {
    let backend: any AttachmentBackend
    let logger = Logger(label: "tanggap.attachments")

    struct Stored: Sendable {
        let storageKey: String
        let sha256: String
    }

    /// No single file is read past this (the largest total a deployment may allow for one report).
    static let largestFile = 100_000_000

    init(_ storage: AttachmentStorage, directory: String, threadPool: NIOThreadPool = .singleton) {
        switch storage {
        case .folder: backend = FolderAttachments(directory: directory, threadPool: threadPool)
        case .s3(let settings): backend = S3Attachments(bucket: S3Bucket(settings))
        }
    }

    init(settings: Settings, threadPool: NIOThreadPool = .singleton) {
        self.init(settings.attachmentStorage, directory: settings.attachmentsDirectory, threadPool: threadPool)
    }

    /// Writes a file and returns its key; the caller removes it again if the database write fails. A write that
    /// fails throws `storage_full` (a full disk) or `attachmentStorageUnavailable`, so the submission fails whole.
    func save(_ data: Data) async throws -> Stored {
        let key = Self.randomKey()
        do {
            try await backend.put(key, data)
        } catch {
            logger.error("an attachment could not be stored", metadata: ["error": .string(String(describing: error))])
            // A full disk under the folder is the deployment's storage full (507), as for the database's own file.
            if DatabaseFault.of(error) == .storageFull { throw APIError.fault(.storageFull) }
            throw APIError.attachmentStorageUnavailable
        }
        return Stored(storageKey: key, sha256: Hex.string(SHA256.hash(data: data)))
    }

    func load(_ key: String) async throws -> Data {
        guard Self.isKey(key) else { throw APIError.notFound }
        guard let data = try await reaching({ try await backend.get(key, upTo: Self.largestFile) }) else { throw APIError.notFound }
        return data
    }

    /// The file as a response body: a bucket's object is passed on as it arrives, never held whole.
    func body(_ key: String) async throws -> Response.Body {
        guard Self.isKey(key) else { throw APIError.notFound }
        guard let body = try await reaching({ try await backend.body(key) }) else { throw APIError.notFound }
        return body
    }

    /// A folder or bucket that cannot be reached is a 503 the client may retry, and a line in the log.
    private func reaching<T>(_ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch {
            logger.error("an attachment could not be read", metadata: ["error": .string(String(describing: error))])
            throw APIError.attachmentStorageUnavailable
        }
    }

    func remove(_ keys: [String]) async {
        for key in keys where Self.isKey(key) { try? await backend.delete(key) }
    }

    /// Keys are only ever ours (32 hex digits); anything else is refused before it reaches a path or a bucket, and
    /// the sweeper leaves alone whatever else it finds.
    static func isKey(_ key: some StringProtocol) -> Bool {
        key.count == 32 && key.allSatisfy { $0.isHexDigit && $0.isASCII }
    }

    static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.string((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}

/// One stored file as a listing sees it.
struct StoredObject: Sendable {
    let key: String
    let size: Int64
    let modified: Date
}

/// Where the files are. Keys reaching a backend are already checked (`AttachmentStore.isKey`).
protocol AttachmentBackend: Sendable {
    func put(_ key: String, _ data: Data) async throws
    /// nil when there is no such file.
    func get(_ key: String, upTo limit: Int) async throws -> Data?
    func body(_ key: String) async throws -> Response.Body?
    func delete(_ key: String) async throws
    /// Every file of ours, a page at a time, in no promised order.
    func forEachPage(_ body: ([StoredObject]) async throws -> Void) async throws
    /// No file of ours is there (found by looking for one, not by listing all).
    func isEmpty() async throws -> Bool
    /// Reached and usable: checked once at start so a wrong bucket or key fails loudly, not at the first report.
    func check() async throws
    /// A backup's copy: every file into `folder`, laid out as `aa/bb/key`.
    func copyAll(into folder: String) async throws
    /// A restore: every file of a backup's `aa/bb/key` layout in `folder` into this store.
    func putAll(from folder: String) async throws
}

/// `work` on every item, `width` at a time, the results in the items' order: a bucket answers each request in tens
/// of milliseconds, so a backup, a restore or a verify of a hundred thousand files one after another would take
/// an hour.
func mapConcurrently<Item: Sendable, Result: Sendable>(
    _ items: [Item], width: Int = 8, _ work: @escaping @Sendable (Item) async throws -> Result
) async throws -> [Result] {
    try await withThrowingTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = items.enumerated().makeIterator()
        func start() {
            guard let (index, item) = next.next() else { return }
            group.addTask { (index, try await work(item)) }
        }
        for _ in 0..<width { start() }
        while let (index, result) = try await group.next() {
            results[index] = result
            start()
        }
        return results.map { $0! }
    }
}

func forEachConcurrently<Item: Sendable>(_ items: [Item], _ work: @escaping @Sendable (Item) async throws -> Void) async throws {
    _ = try await mapConcurrently(items, work)
}

/// The layout a folder and a backup share: `aa/bb/aabb…`, so no directory grows past 65,536 entries.
enum AttachmentLayout {
    static func relativePath(_ key: String) -> String { "\(key.prefix(2))/\(key.dropFirst(2).prefix(2))/\(key)" }

    /// Every file under `folder` whose name is a key, with its relative path.
    static func files(under folder: String) -> [(key: String, relative: String)] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var found: [(String, String)] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if AttachmentStore.isKey(name), relative == relativePath(name) { found.append((name, relative)) }
        }
        return found
    }
}
