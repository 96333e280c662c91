import Foundation
import Vapor

/// Files as objects in a bucket, named `prefix/key`. Servers on different machines share them through the bucket.
struct S3Attachments: AttachmentBackend {
    let bucket: S3Bucket

    private var prefix: String { bucket.settings.prefix.isEmpty ? "" : bucket.settings.prefix + "/" }
    private func name(_ key: String) -> String { prefix + key }

    func put(_ key: String, _ data: Data) async throws { try await bucket.put(name(key), data) }

    func get(_ key: String, upTo limit: Int) async throws -> Data? { try await bucket.get(name(key), upTo: limit) }

    func body(_ key: String) async throws -> Response.Body? {
        guard let object = try await bucket.stream(name(key)) else { return nil }
        let stream = object.body
        return Response.Body(
            asyncStream: { writer in
                for try await buffer in stream { try await writer.writeBuffer(buffer) }
                try await writer.write(.end)
            }, count: object.size ?? -1)
    }

    func delete(_ key: String) async throws { try await bucket.delete(name(key)) }

    func forEachPage(_ body: ([StoredObject]) async throws -> Void) async throws {
        var continuation: String?
        repeat {
            let page = try await bucket.list(prefix: prefix, continuation: continuation)
            let ours = page.objects.compactMap { object -> StoredObject? in
                let key = String(object.key.dropFirst(prefix.count))
                guard object.key.hasPrefix(prefix), AttachmentStore.isKey(key) else { return nil }
                return StoredObject(key: key, size: object.size, modified: object.lastModified)
            }
            try await body(ours)
            continuation = page.next
        } while continuation != nil
    }

    /// Stops at the first page that holds one of ours (usually the first: only files of ours live under the prefix).
    func isEmpty() async throws -> Bool {
        var empty = true
        var continuation: String?
        repeat {
            let page = try await bucket.list(prefix: prefix, continuation: continuation)
            if page.objects.contains(where: { AttachmentStore.isKey($0.key.dropFirst(prefix.count)) }) { empty = false }
            continuation = empty ? page.next : nil
        } while continuation != nil
        return empty
    }

    func check() async throws { try await bucket.check(prefix: prefix) }

    func copyAll(into folder: String) async throws {
        try await forEachPage { page in
            try await forEachConcurrently(page.map(\.key)) { key in
                guard let data = try await get(key, upTo: AttachmentStore.largestFile) else { return }  // removed meanwhile
                let path = folder + "/" + AttachmentLayout.relativePath(key)
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: path))
            }
        }
    }

    func putAll(from folder: String) async throws {
        try await forEachConcurrently(AttachmentLayout.files(under: folder)) { file in
            try await put(file.key, try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file.relative)))
        }
    }
}
