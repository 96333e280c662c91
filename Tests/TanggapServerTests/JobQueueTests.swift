import Fluent
import Foundation
import SQLKit
import Synchronization
import Testing
import Vapor

@testable import TanggapServer

@Suite struct JobQueueTests {
    struct Row: Decodable {
        let state: String
        let attempts: Int
        let run_at: Date
        let last_error: String?
    }

    func job(_ app: Application, kind: String) async throws -> Row? {
        try await app.db.sql.select().columns("state", "attempts", "run_at", "last_error").from("jobs")
            .where("kind", .equal, SQLBind(kind)).first(decoding: Row.self)
    }

    @Test func aJobThatThrowsIsRetriedLaterAndLaterThenDead() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            struct Nothing: Codable {}
            try await JobQueue.enqueue("always.fails", payload: Nothing(), runAt: clock.now, maxAttempts: 4, on: app.db)
            let failing: JobHandler = { _ in throw Abort(.badGateway, reason: "gateway down") }
            let worker = JobWorker(
                name: "w", context: app.tanggap, db: app.db, logger: app.logger,
                handlers: ["always.fails": failing], periodic: [])
            var delays: [TimeInterval] = []
            for attempt in 1...4 {
                #expect(try await worker.runOnce() == 1, "attempt \(attempt) runs when due")
                let row = try #require(try await job(app, kind: "always.fails"))
                #expect(row.attempts == attempt && row.last_error?.contains("gateway down") == true)
                if attempt < 4 {
                    #expect(row.state == "queued")
                    delays.append(row.run_at.timeIntervalSince(clock.now))
                    #expect(try await worker.runOnce() == 0, "not before its time")
                    clock.advance(by: delays.last! + 1)
                } else {
                    #expect(row.state == "dead")
                }
            }
            #expect(delays.count == 3 && delays[0] > 8 && delays[1] > delays[0] * 1.5 && delays[2] > delays[1] * 1.5, "\(delays)")
            // A national admin sees it in the dead letter and sends it round again.
            let id = try await app.db.sql.raw("SELECT id FROM jobs").first(decoding: [String: Int64].self)!["id"]!
            #expect(try await JobQueue.retry(id, now: clock.now, on: app.db))
            #expect(try await job(app, kind: "always.fails")?.state == "queued")
        }
    }

    @Test func aKeyedJobIsQueuedOnceUntilItRuns() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            for _ in 0..<3 {
                try await JobQueue.enqueue(
                    JobKinds.probe, payload: Probe.Payload(batch: "k"), runAt: clock.now, dedupeKey: "same", on: app.db)
            }
            struct N: Decodable { let n: Int }
            #expect(try await app.db.sql.raw("SELECT COUNT(*) AS n FROM jobs").first(decoding: N.self)?.n == 1)
            let worker = JobWorker(name: "w", context: app.tanggap, db: app.db, logger: app.logger, periodic: [])
            #expect(try await worker.runOnce() == 1)
            try await JobQueue.enqueue(JobKinds.probe, payload: Probe.Payload(batch: "k"), runAt: clock.now, dedupeKey: "same", on: app.db)
            #expect(
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM jobs").first(decoding: N.self)?.n == 2, "done jobs do not block the key"
            )
        }
    }

    @Test func aJobWhoseWorkerVanishedGoesBackToTheQueue() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            try await JobQueue.enqueue(JobKinds.probe, payload: Probe.Payload(batch: "v"), runAt: clock.now, on: app.db)
            let claimed = try await JobQueue.claim(limit: 10, worker: "gone", lease: 60, now: clock.now, on: app.db)
            #expect(claimed.count == 1)
            #expect(try await JobQueue.reclaimExpired(now: clock.now, on: app.db) == 0)
            clock.advance(by: 61)
            #expect(try await JobQueue.reclaimExpired(now: clock.now, on: app.db) == 1)
            let worker = JobWorker(name: "w", context: app.tanggap, db: app.db, logger: app.logger, periodic: [])
            #expect(try await worker.runOnce() == 1)
        }
    }

    @Test func aPeriodicTaskRunsOncePerPeriodWhateverTheNumberOfWorkers() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let runs = Mutex(0)
            let task = PeriodicTask(name: "count", interval: 60) { _, _, _ in runs.withLock { $0 += 1 } }
            let workers = (0..<4).map { JobWorker(name: "w\($0)", context: app.tanggap, db: app.db, logger: app.logger, periodic: [task]) }
            for _ in 0..<3 { for worker in workers { try await worker.runOnce() } }
            #expect(runs.withLock { $0 } == 1)
            clock.advance(by: 60)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in workers { group.addTask { try await worker.runOnce() } }
                try await group.waitForAll()
            }
            #expect(runs.withLock { $0 } == 2)
        }
    }

    @Test func concurrentWorkersShareTheQueueWithoutRunningAJobTwice() async throws {
        try await withTestApp { app in
            let batch = try await enqueueProbes(count: 400, app: app)
            let workers = (0..<6).map {
                JobWorker(name: "w\($0)", context: app.tanggap, db: app.db, logger: app.logger, batchSize: 7, periodic: [])
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in workers {
                    group.addTask { while try await worker.runOnce() > 0 {} }
                }
                try await group.waitForAll()
            }
            let report = try await awaitProbes(batch: batch, count: 400, timeout: 5, app: app)
            #expect(report.isClean, "\(report)")
            #expect(report.ran == 400)
        }
    }
}
