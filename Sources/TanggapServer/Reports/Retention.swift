import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Storage limitation (UU 27/2022): with `TANGGAP_RETENTION_DAYS` set, a report closed (completed or archived) longer
/// ago than that loses its reporter's name and contacts, and every message to or from them loses its address and
/// text, while the report, its history and every figure stay. Run hourly by the job worker; each run's count goes to
/// the administrative record, at the top of the tree where the national admins read it.
enum Retention {
    static let batch = 500

    static let task = PeriodicTask(name: "retention", interval: 3_600) { context, db, logger in
        guard let days = context.settings.retentionDays else { return }
        let erased = try await sweep(olderThan: days, now: context.clock.now(), on: db)
        if erased > 0 { logger.info("retention", metadata: ["reports": .stringConvertible(erased), "days": .stringConvertible(days)]) }
    }

    /// Empties every report due for it, a batch per transaction; answers how many.
    static func sweep(olderThan days: Int, now: Date, on db: any Database) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        let closed: SQLQueryString = """
            (state IN (\(bind: ReportState.completed.rawValue), \(bind: ReportState.archived.rawValue))
            AND COALESCE(completed_at, archived_at) < \(bind: cutoff) AND \(AccountErasure.stillIdentified))
            """
        var total = 0
        while true {
            let erased = try await db.writeTransaction { db in
                try await AccountErasure.eraseContacts(ofReportsWhere: closed, limit: batch, on: db).count
            }
            total += erased
            if erased < batch { break }
        }
        if total > 0, let root = try await InstitutionDirectory.root(on: db) {
            try await AdminAudit.record(
                "retention_erased", ["reports": String(total), "days": String(days)], by: nil, at: root.id, now: now, on: db)
        }
        return total
    }
}
