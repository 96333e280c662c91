import Fluent
import Foundation
import Logging
import SQLKit
import Synchronization
import TanggapCore

/// Moves reports from green to yellow to red as time passes, tells the level above about reports that stay
/// red, completes answered reports whose reply window closed, and escalates cases past their whole limit.
///
/// It reads only the reports whose next check has come (`sla_next_check_at`, indexed), and each one it changes
/// is changed in a transaction with its event and its notifications, so nothing is told twice or lost.
enum SLASweeper {
    struct Summary: Sendable, CustomStringConvertible {
        var read = 0
        var changed = 0
        var events = 0
        var digests = 0
        var failed = 0
        var seconds = 0.0
        var description: String {
            "read \(read), changed \(changed), events \(events), digests \(digests), failed \(failed), \(String(format: "%.2f", seconds)) s"
        }
    }

    static func sweep(context: TanggapContext, on db: any Database, batchSize: Int = 500, logger: Logger? = nil) async throws -> Summary {
        let started = Date()
        let now = context.clock.now()
        var summary = Summary()
        var after: (Date, Int64)? = nil
        let recipients = RecipientCache()
        while true {
            let due = try await dueReports(now: now, after: after, limit: batchSize, on: db)
            summary.read += due.count
            for (_, id) in due {
                do {
                    let events = try await sweepOne(id, now: now, context: context, recipients: recipients, on: db)
                    if events > 0 {
                        summary.changed += 1
                        summary.events += events
                    }
                } catch {
                    // One report that cannot be swept must not hold up the others; it is tried again next time.
                    summary.failed += 1
                    logger?.error(
                        "sla sweep of a report failed",
                        metadata: ["report": .stringConvertible(id), "error": .string(String(describing: error))])
                }
            }
            guard due.count == batchSize, let last = due.last else { break }
            after = last
        }
        if context.mailer != nil { summary.digests = try await NotificationStore.enqueueDigests(now: now, on: db) }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// The reports whose next check has come, in order, continuing after the last one of the previous batch.
    private static func dueReports(now: Date, after: (Date, Int64)?, limit: Int, on db: any Database) async throws -> [(Date, Int64)] {
        struct DueReport: Decodable {
            let id: Int64
            let sla_next_check_at: Date
        }
        var query = db.sql.select().columns("id", "sla_next_check_at").from("reports")
            .where("sla_next_check_at", .lessThanOrEqual, SQLBind(now))
        if let (at, id) = after {
            query = query.where(
                SQLGroupExpression(
                    SQLQueryString(
                        "sla_next_check_at > \(bind: at) OR (sla_next_check_at = \(bind: at) AND id > \(bind: id))")))
        }
        return try await query.orderBy("sla_next_check_at").orderBy("id").limit(limit).all(decoding: DueReport.self)
            .map { ($0.sla_next_check_at, $0.id) }
    }

    /// Sweeps one report; returns how many events it added.
    private static func sweepOne(
        _ id: Int64, now: Date, context: TanggapContext, recipients: RecipientCache, on db: any Database
    ) async throws -> Int {
        try await db.writeTransaction { db in
            try await db.sql.update("reports").set(SQLIdentifier("version"), to: SQLRaw("version + 1")).where("id", .equal, id).run()
            guard let report = try await ReportModel.find(id, on: db), let next = report.slaNextCheckAt, next <= now else { return 0 }
            let holder = InstitutionPath(encoded: report.holderPath)!
            let clock = try await context.calendars.context(
                for: holder, classification: report.classification,
                isEscalated: report.isEscalated, now: now, on: db)
            let (status, changes) = SLAClock.sweep(report.sla, at: now, clock)
            let counted = try await ReportTallies.contribution(of: report, zone: context.settings.timeZone, on: db)
            report.sla = status
            var systemActions: [ReportAction] = []
            var events: [(EventDetails, Int64?)] = []
            for change in changes {
                switch change {
                case .turned(let light):
                    events.append((EventDetails(dueAt: status.stageDueAt, light: light), nil))
                    if light != .green {
                        let users = try await recipients.forHolder(holder, on: db)
                        try await NotificationStore.add(
                            light == .red ? .red : .yellow, for: users, reportID: id, institutionID: holder.institutionID, now: now, on: db)
                    }
                case .ladder(let levelsUp):
                    let (institution, users) = try await Recipients.admins(levelsUp: levelsUp, above: holder, on: db)
                    events.append((EventDetails(dueAt: status.stageDueAt, light: .red, notifiedInstitutionID: institution), nil))
                    try await NotificationStore.add(.ladder, for: users, reportID: id, institutionID: institution, now: now, on: db)
                case .replyWindowEnded:
                    systemActions.append(.confirm(note: nil))
                case .caseOverdue:
                    systemActions.append(.escalate(note: nil))
                }
            }
            let state = report.state
            for (details, _) in events {
                report.eventCount += 1
                try await ReportHistory.append(
                    kind: .deadline, to: id, seq: report.eventCount, from: (state, holder), to: (state, holder), actor: .system,
                    channel: .web, audience: .public, note: nil, details: details, now: now, on: db)
            }
            try await report.update(on: db)
            try await ReportTallies.record(
                from: counted, to: ReportTallies.contribution(of: report, zone: context.settings.timeZone, on: db), on: db)
            for action in systemActions {
                _ = try await ReportActions.perform(
                    action.kind, ActionRequest(), on: id, by: .system, attributedTo: .system, channel: .web, context: context, on: db)
            }
            return events.count + systemActions.count
        }
    }
}

/// Who is told about a holder's reports, looked up once per holder in a sweep.
final class RecipientCache: Sendable {
    private let byHolder = Mutex<[Int64: [Int64]]>([:])

    func forHolder(_ holder: InstitutionPath, on db: any Database) async throws -> [Int64] {
        if let cached = byHolder.withLock({ $0[holder.institutionID] }) { return cached }
        let users = try await Recipients.forHolder(holder, on: db)
        byHolder.withLock { $0[holder.institutionID] = users }
        return users
    }
}
