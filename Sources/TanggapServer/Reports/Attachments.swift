import Fluent
import Foundation
import ImageMetadata
import TanggapCore
import Vapor

/// A file as received with a request.
struct Upload: Sendable {
    let name: String
    let data: Data

    var incoming: IncomingFile { IncomingFile(name: name, size: data.count, head: Array(data.prefix(16))) }
}

/// A file that passed the checks, with an image's metadata already stripped: these bytes are the ones stored, the
/// ones received are never written anywhere.
struct CheckedUpload: Sendable {
    let accepted: AcceptedFile
    let data: Data
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

    /// Checks the uploads against the attachment rules and cleans every picture of what it says about its maker
    /// (GPS, camera, owner); throws the field errors, keeps nothing, when a file fails. Documents are kept as sent.
    static func check(_ uploads: [Upload], limit: Int) throws(ValidationFailure) -> [CheckedUpload] {
        let accepted = try AttachmentPolicy.check(uploads.map(\.incoming), totalLimit: limit).get()
        var check = FieldChecker()
        var checked: [CheckedUpload] = []
        for file in accepted {
            let data = uploads[file.index].data
            guard let format = ImageFormat(file.kind) else {
                checked.append(CheckedUpload(accepted: file, data: data))
                continue
            }
            do {
                let clean = try MetadataStripper.strip([UInt8](data), as: format)
                checked.append(CheckedUpload(accepted: file, data: Data(clean.bytes)))
            } catch {
                check.add("attachments[\(file.index)]", .corruptFile)
            }
        }
        guard check.errors.isEmpty else { throw ValidationFailure(check.errors) }
        return checked
    }

    static func write(_ checked: [CheckedUpload], to store: AttachmentStore) async throws -> PendingAttachments {
        var files: [File] = []
        do {
            for file in checked {
                files.append(File(stored: try await store.save(file.data), accepted: file.accepted, size: file.data.count))
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

extension ImageFormat {
    /// The container to clean for a file kind; nil for documents, which are kept as sent.
    init?(_ kind: AttachmentKind) {
        switch kind {
        case .jpeg: self = .jpeg
        case .png: self = .png
        case .gif: self = .gif
        case .webp: self = .webp
        case .pdf: return nil
        }
    }
}
