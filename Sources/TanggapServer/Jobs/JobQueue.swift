import Fluent
import Foundation
import SQLKit

/// A job taken from the queue by a worker.
struct ClaimedJob: Sendable, Decodable {
    let id: Int64
    let kind: String
    let payload: String
    let attempts: Int
    let max_attempts: Int
}

/// The queue of background work, in the database. Enqueueing happens inside the caller's transaction, so a
/// side effect exists exactly when the change that causes it was committed (the outbox). Workers claim jobs
/// with a lease; on PostgreSQL `FOR UPDATE SKIP LOCKED` lets any number of workers claim without waiting on
/// each other or taking the same job twice. A job that fails is retried later and later, then kept as dead
/// with its last error for an admin to see and retry.
enum JobQueue {
    static func enqueue(
        _ kind: String, payload: some Encodable, runAt: Date, dedupeKey: String? = nil, maxAttempts: Int = 8, on db: any Database
    ) async throws {
        let body = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        var insert = db.sql.insert(into: "jobs")
            .columns("kind", "payload", "state", "attempts", "max_attempts", "run_at", "dedupe_key", "created_at")
            .values(
                SQLBind(kind), SQLBind(body), SQLBind("queued"), SQLBind(0), SQLBind(maxAttempts), SQLBind(runAt),
                SQLBind(dedupeKey), SQLBind(runAt))
        if dedupeKey != nil { insert = insert.ignoringConflicts() }
        try await insert.run()
    }

    /// Claims up to `limit` jobs that are due, for `lease` seconds.
    static func claim(limit: Int, worker: String, lease: TimeInterval, now: Date, on db: any Database) async throws -> [ClaimedJob] {
        let skipLocked = db.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await db.sql.raw(
            """
            UPDATE jobs SET state = 'running', locked_by = \(bind: worker), locked_until = \(bind: now.addingTimeInterval(lease)),
                attempts = attempts + 1
            WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= \(bind: now)
                         ORDER BY run_at, id LIMIT \(bind: limit)\(unsafeRaw: skipLocked))
            RETURNING id, kind, payload, attempts, max_attempts
            """
        ).all(decoding: ClaimedJob.self)
    }

    static func complete(_ job: ClaimedJob, now: Date, on db: any Database) async throws {
        try await db.sql.update("jobs").set("state", to: SQLBind("done")).set("finished_at", to: SQLBind(now))
            .set("locked_by", to: SQLLiteral.null).set("locked_until", to: SQLLiteral.null)
            .where("id", .equal, SQLBind(job.id)).run()
    }

    /// Puts a failed job back with a later time, or into the dead letter when it has had all its attempts.
    static func fail(_ job: ClaimedJob, error: String, backoffBase: Double = 10, now: Date, on db: any Database) async throws {
        let message = String(error.prefix(2_000))
        var update = db.sql.update("jobs").set("last_error", to: SQLBind(message))
            .set("locked_by", to: SQLLiteral.null).set("locked_until", to: SQLLiteral.null)
        if job.attempts >= job.max_attempts {
            update = update.set("state", to: SQLBind("dead")).set("finished_at", to: SQLBind(now))
        } else {
            update = update.set("state", to: SQLBind("queued")).set(
                "run_at", to: SQLBind(now.addingTimeInterval(backoff(after: job.attempts, base: backoffBase))))
        }
        try await update.where("id", .equal, SQLBind(job.id)).run()
    }

    /// 10 s, 20 s, 40 s … (from `base`) doubling, at most an hour, with a tenth of jitter so that retries do not
    /// march together.
    static func backoff(after attempt: Int, base: Double = 10) -> TimeInterval {
        let wait = min(3_600, base * pow(2, Double(max(0, attempt - 1))))
        return wait * Double.random(in: 0.9...1.1)
    }

    /// Jobs whose worker vanished (its lease ran out) go back to the queue.
    @discardableResult
    static func reclaimExpired(now: Date, on db: any Database) async throws -> Int {
        struct ID: Decodable { let id: Int64 }
        return try await db.sql.update("jobs").set("state", to: SQLBind("queued")).set("locked_by", to: SQLLiteral.null)
            .where("state", .equal, SQLBind("running")).where("locked_until", .lessThan, SQLBind(now))
            .returning("id").all(decoding: ID.self).count
    }

    /// Puts a dead job back in the queue with fresh attempts.
    static func retry(_ id: Int64, now: Date, on db: any Database) async throws -> Bool {
        struct ID: Decodable { let id: Int64 }
        return try await db.sql.update("jobs").set("state", to: SQLBind("queued")).set("attempts", to: SQLBind(0))
            .set("run_at", to: SQLBind(now)).set("finished_at", to: SQLLiteral.null)
            .where("id", .equal, SQLBind(id)).where("state", .equal, SQLBind("dead"))
            .returning("id").first(decoding: ID.self) != nil
    }

    /// Finished jobs older than `age` are forgotten; dead ones stay until someone looks at them.
    static func purgeFinished(olderThan age: TimeInterval, now: Date, on db: any Database) async throws {
        try await db.sql.delete(from: "jobs").where("state", .equal, SQLBind("done"))
            .where("finished_at", .lessThan, SQLBind(now.addingTimeInterval(-age))).run()
    }
}
