import Fluent
import Foundation
import SQLKit

/// Removes files no attachment row names: left by a submission whose transaction failed after its files were
/// written (a crash, a lost database), or by rows removed since. Only files older than the grace period go — a
/// younger one may belong to a submission still on its way to its commit — and only names of our own form, so
/// anything else an operator keeps in the folder or under the bucket's prefix is left alone.
enum OrphanSweeper {
    struct Summary: Sendable, CustomStringConvertible {
        var examined = 0
        var removed = 0
        var description: String { "\(examined) file(s) examined, \(removed) orphan(s) removed" }
    }

    static let task = PeriodicTask(name: "attachment-sweep", interval: 6 * 3_600) { context, db, logger in
        let summary = try await sweep(context.attachments, grace: context.settings.orphanGrace, now: context.clock.now(), on: db)
        if summary.removed > 0 { logger.info("attachment sweep", metadata: ["summary": .string(summary.description)]) }
    }

    static func sweep(_ store: AttachmentStore, grace: TimeInterval, now: Date, on db: any Database) async throws -> Summary {
        var summary = Summary()
        try await store.backend.forEachPage { page in
            summary.examined += page.count
            let old = page.filter { now.timeIntervalSince($0.modified) >= grace }
            guard !old.isEmpty else { return }
            let named = Set(
                try await db.sql.select().column("storage_key").from("attachments")
                    .where("storage_key", .in, old.map(\.key)).all(decodingColumn: "storage_key", as: String.self))
            for object in old where !named.contains(object.key) {
                try await store.backend.delete(object.key)
                summary.removed += 1
            }
        }
        return summary
    }
}
