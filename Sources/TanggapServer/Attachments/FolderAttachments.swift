import Foundation
import NIOPosix
import Vapor

/// Files on disk under the data directory, as `aa/bb/key`. Several servers on one machine (or one shared
/// volume) can use the same folder.
struct FolderAttachments: AttachmentBackend {
    let directory: String
    let threadPool: NIOThreadPool

    private func path(_ key: String) -> String { directory + "/" + AttachmentLayout.relativePath(key) }

    func put(_ key: String, _ data: Data) async throws {
        let path = path(key)
        try await threadPool.runIfActive {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            do {
                try data.write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
            } catch {
                // A write that failed halfway (a full disk) leaves a partial file behind: it must not stay.
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
        }
    }

    func get(_ key: String, upTo limit: Int) async throws -> Data? {
        let path = path(key)
        return try await threadPool.runIfActive {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
    }

    func body(_ key: String) async throws -> Response.Body? {
        try await get(key, upTo: AttachmentStore.largestFile).map { Response.Body(data: $0) }
    }

    func delete(_ key: String) async throws {
        let path = path(key)
        try await threadPool.runIfActive {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        }
    }

    func forEachPage(_ body: ([StoredObject]) async throws -> Void) async throws {
        let directory = directory
        let files = try await threadPool.runIfActive { AttachmentLayout.files(under: directory) }
        var page: [StoredObject] = []
        for file in files {
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + file.relative)
            page.append(
                StoredObject(
                    key: file.key, size: (attributes?[.size] as? NSNumber)?.int64Value ?? 0,
                    modified: attributes?[.modificationDate] as? Date ?? Date()))
            if page.count == 1000 {
                try await body(page)
                page = []
            }
        }
        if !page.isEmpty { try await body(page) }
    }

    func isEmpty() async throws -> Bool {
        let directory = directory
        return try await threadPool.runIfActive {
            guard let walker = FileManager.default.enumerator(atPath: directory) else { return true }
            while let relative = walker.nextObject() as? String {
                if AttachmentStore.isKey((relative as NSString).lastPathComponent) { return false }
            }
            return true
        }
    }

    func check() async throws {
        let directory = directory
        try await threadPool.runIfActive { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
    }

    func copyAll(into folder: String) async throws {
        let directory = directory
        try await threadPool.runIfActive { try Self.copy(from: directory, to: folder) }
    }

    func putAll(from folder: String) async throws {
        let directory = directory
        try await threadPool.runIfActive { try Self.copy(from: folder, to: directory) }
    }

    private static func copy(from source: String, to target: String) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: target, withIntermediateDirectories: true)
        for file in AttachmentLayout.files(under: source) {
            let to = target + "/" + file.relative
            try files.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try files.copyItem(atPath: source + "/" + file.relative, toPath: to)
        }
    }
}
