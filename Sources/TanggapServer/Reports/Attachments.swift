import Fluent
import Foundation
import TanggapCore
import Vapor

/// A file as received with a request.
struct Upload: Sendable {
    let name: String
    let data: Data

    var incoming: IncomingFile { IncomingFile(name: name, size: data.count, head: Array(data.prefix(16))) }
}

/// Files checked and written to disk, waiting for their rows. If the transaction fails they are removed again.
struct PendingAttachments: Sendable {
    struct File: Sendable {
        let stored: AttachmentStore.Stored
        let accepted: AcceptedFile
        let size: Int
    }

    let files: [File]
    let store: AttachmentStore

    /// Checks the uploads against the attachment rules; throws the field errors, writes nothing, when they fail.
    static func check(_ uploads: [Upload], limit: Int) throws(ValidationFailure) -> [AcceptedFile] {
        try AttachmentPolicy.check(uploads.map(\.incoming), totalLimit: limit).get()
    }

    static func write(_ uploads: [Upload], accepted: [AcceptedFile], to store: AttachmentStore) async throws -> PendingAttachments {
        var files: [File] = []
        do {
            for file in accepted {
                let data = uploads[file.index].data
                files.append(File(stored: try await store.save(data), accepted: file, size: data.count))
            }
        } catch {
            await store.remove(files.map(\.stored.storageKey))
            throw error
        }
        return PendingAttachments(files: files, store: store)
    }

    /// Inserts the rows that describe the files, inside the caller's transaction.
    func insert(reportID: Int64, eventID: Int64?, audience: EventAudience, now: Date, on db: any Database) async throws {
        for file in files {
            let model = AttachmentModel()
            model.reportID = reportID
            model.eventID = eventID
            model.publicID = APITokens.randomHex(bytes: 12)
            model.storageKey = file.stored.storageKey
            model.displayName = file.accepted.displayName
            model.kind = file.accepted.kind
            model.size = Int64(file.size)
            model.sha256 = file.stored.sha256
            model.audience = audience
            model.createdAt = now
            try await model.create(on: db)
        }
    }

    func discard() async {
        await store.remove(files.map(\.stored.storageKey))
    }
}

extension LocalDate {
    /// The calendar day of `date` in `timeZone`.
    init(_ date: Date, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self = LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
