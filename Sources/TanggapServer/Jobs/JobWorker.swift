import Fluent
import Foundation
import Logging

/// Takes jobs from the queue and runs them, and runs the periodic tasks whose lease it wins.
struct JobWorker: Sendable {
    let name: String
    let context: TanggapContext
    var db: any Database
    let logger: Logger
    var batchSize = 20
    var lease: TimeInterval = 300
    var handlers: [String: JobHandler] = JobKinds.handlers
    var periodic: [PeriodicTask] = PeriodicTask.standard

    /// One round: the periodic tasks that are due, then one batch of jobs. Returns how many jobs ran.
    @discardableResult
    func runOnce() async throws -> Int {
        for task in periodic {
            try await Scheduler.runIfDue(task, holder: name, context: context, on: db, logger: logger)
        }
        let jobs = try await JobQueue.claim(limit: batchSize, worker: name, lease: lease, now: context.clock.now(), on: db)
        for job in jobs { await run(job) }
        return jobs.count
    }

    /// Runs until cancelled, resting a little when there is nothing to do. Each round asks `database` for its
    /// handle, so that a pool renewed after a lost connection is used from the next round on; a round that outlives
    /// its lease is given up (its jobs go to another worker when the lease ends) rather than waited for.
    func run(idle: Duration = .seconds(1), database: (@Sendable () -> any Database)? = nil) async {
        while !Task.isCancelled {
            var worker = self
            if let database { worker.db = database() }
            do {
                let ran = try await withDeadline(.seconds(Int64(lease)), "a job round") { [worker] in try await worker.runOnce() }
                if ran == 0 { try await Task.sleep(for: idle) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("job worker round failed", metadata: ["worker": .string(name), "error": .string(String(describing: error))])
                context.databaseWatch.noteFailure(error)
                try? await Task.sleep(for: idle)
            }
        }
    }

    private func run(_ job: ClaimedJob) async {
        let now = context.clock.now()
        do {
            guard let handler = handlers[job.kind] else { throw UnknownJobKind(kind: job.kind) }
            try await handler(JobRun(job: job, context: context, db: db, logger: logger, worker: name, now: now))
            try await JobQueue.complete(job, now: context.clock.now(), on: db)
        } catch {
            logger.warning(
                "job failed",
                metadata: [
                    "job": .stringConvertible(job.id), "kind": .string(job.kind), "attempt": .stringConvertible(job.attempts),
                    "error": .string(String(describing: error)),
                ])
            try? await JobQueue.fail(
                job, error: String(describing: error), backoffBase: context.settings.jobBackoffSeconds,
                now: context.clock.now(), on: db)
        }
    }

    struct UnknownJobKind: Error, CustomStringConvertible {
        let kind: String
        var description: String { "no handler for job kind \(kind)" }
    }

    /// A name that tells operators which process and which loop ran a job.
    static func name(_ index: Int) -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(index)"
    }
}
