import Fluent
import Foundation
import Logging
import SQLKit

/// A task that runs every `interval`, in one process at a time across the deployment.
struct PeriodicTask: Sendable {
    let name: String
    let interval: TimeInterval
    let body: @Sendable (TanggapContext, any Database, Logger) async throws -> Void

    /// How long a finished job (and what it carried) is kept, for an admin looking into a delivery.
    static let finishedJobsKept: TimeInterval = 14 * 86_400

    static let standard: [PeriodicTask] = [
        PeriodicTask(name: "sla-sweep", interval: 60) { context, db, logger in
            let summary = try await SLASweeper.sweep(context: context, on: db, logger: logger)
            if summary.read > 0 { logger.info("sla sweep", metadata: ["summary": .string(summary.description)]) }
        },
        PeriodicTask(name: "maintenance", interval: 300) { context, db, _ in
            let now = context.clock.now()
            try await JobQueue.reclaimExpired(now: now, on: db)
            try await JobQueue.purgeFinished(olderThan: finishedJobsKept, now: now, on: db)
            try await db.sql.delete(from: "web_sessions").where("expires_at", .lessThan, SQLBind(now)).run()
            try await FederationOutbox.purgeDelivered(olderThan: 7 * 86_400, now: now, on: db)
            try await IdempotencyKeys.sweep(now: now, on: db)
            try await SharedRateLimits.sweep(now: now, on: db)
        },
        Retention.task,
        FederationFigures.task,
        OrphanSweeper.task,
        Open311Poller.task,
        RoutingModels.task,
    ]
}

/// Leases for periodic tasks: whoever moves `leased_until` forward first runs the task for that period.
enum Scheduler {
    static func runIfDue(_ task: PeriodicTask, holder: String, context: TanggapContext, on db: any Database, logger: Logger) async throws {
        let now = context.clock.now()
        try await db.sql.insert(into: "periodic_leases").columns("name", "holder", "leased_until")
            .values(SQLBind(task.name), SQLLiteral.null, SQLBind(Date(timeIntervalSince1970: 0)))
            .ignoringConflicts(with: ["name"]).run()
        let won =
            try await db.sql.update("periodic_leases").set("holder", to: SQLBind(holder))
            .set("leased_until", to: SQLBind(now.addingTimeInterval(task.interval))).set("last_run_at", to: SQLBind(now))
            .where("name", .equal, SQLBind(task.name)).where("leased_until", .lessThanOrEqual, SQLBind(now))
            .returning("name").first(decodingColumn: "name", as: String.self) != nil
        guard won else { return }
        do {
            try await task.body(context, db, logger)
        } catch {
            logger.error("periodic task failed", metadata: ["task": .string(task.name), "error": .string(String(describing: error))])
        }
    }
}
