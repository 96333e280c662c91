import Fluent
import Foundation
import NIOCore
import SQLKit

/// A kind of write that many of can be made together, with fewer statements than one by one.
protocol GroupWrite: Sendable {
    associatedtype Outcome: Sendable
    /// Makes every one of `writes` inside the caller's transaction and returns their outcomes in the same order.
    /// A passing conflict runs it again from scratch, and when the group fails it is called with each write alone.
    static func writeAll(_ writes: [Self], on db: any Database) async throws -> [Outcome]
}

/// Many concurrent writers, one commit. Durable writes cost one flush to disk each (SQLite's fsync of the
/// write-ahead log, PostgreSQL's WAL flush); grouping pays it once per group instead of once per write, and
/// `GroupWrite.writeAll` writes the group with one statement per table instead of several per write. Writes
/// handed in here while a commit is in flight wait together and go into the next transaction. When the group
/// fails (a refused value, a tracking-ID collision) it runs again with each write alone in its own savepoint,
/// so the failure undoes only that write. Every caller hears its own outcome only after the commit, so an
/// acknowledged write is on disk. A lone writer waits for nobody: its batch is itself.
///
/// Every batch has a deadline. Without one, a PostgreSQL restart under load wedged intake for good: a group's
/// transaction is several statements, and when the server cut the connection between two of them, the next one
/// was written to a channel that NIO had already torn down. PostgresNIO writes a query without asking to hear
/// whether the write went out, so that query was never answered, its transaction never ended, and every later
/// submission queued behind it for ever, while reads (which take any open connection) went on working. Now the
/// batch's writers hear a 503 when the deadline passes, the queue moves on, and the failure is reported so that
/// `DatabaseWatch` renews the pool, leaving the hung connection behind.
actor GroupCommit<Write: GroupWrite> {
    private struct Waiting {
        let write: Write
        let continuation: CheckedContinuation<Write.Outcome, any Error>
    }

    private let loop: any EventLoop
    private let stay: EventLoopTaskExecutor
    private let database: @Sendable () -> any Database
    private let largestBatch: Int
    /// The longest a batch may take, from its first statement to its commit.
    private let deadline: Duration
    /// Told of every batch that failed as a whole (a lost connection, a deadline passed, a full disk).
    private let onFailure: @Sendable (any Error) -> Void
    private var queue: [Waiting] = []
    private var isCommitting = false
    /// Commits made and writes they carried, since the start: their ratio is the grouping achieved.
    private(set) var counts = (commits: 0, writes: 0)

    /// The group's steps run on `loop`, best a loop that `database`'s connections answer on and that serves
    /// nothing else (`CommitLane`). `database` gives a handle that is not inside a transaction.
    init(
        on loop: any EventLoop, largestBatch: Int = 64, deadline: Duration = .seconds(5),
        onFailure: @escaping @Sendable (any Error) -> Void = { _ in }, database: @escaping @Sendable () -> any Database
    ) {
        self.loop = loop
        self.stay = EventLoopTaskExecutor(loop)
        self.largestBatch = largestBatch
        self.deadline = deadline
        self.onFailure = onFailure
        self.database = database
    }

    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }

    /// Makes `write` inside the next group transaction and returns its outcome once that transaction committed.
    func write(_ write: Write) async throws -> Write.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            queue.append(Waiting(write: write, continuation: continuation))
            if !isCommitting {
                isCommitting = true
                Task { await commitWhileWaiting() }
            }
        }
    }

    private func commitWhileWaiting() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(largestBatch))
            queue.removeFirst(batch.count)
            await commit(batch)
        }
        isCommitting = false
    }

    private func commit(_ batch: [Waiting]) async {
        do {
            let outcomes = try await withDeadline(deadline, "a group commit") { [writes = batch.map(\.write), self] in
                try await self.outcomes(of: writes)
            }
            counts.commits += 1
            counts.writes += batch.count
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(with: outcome) }
        } catch {
            // The commit itself failed or did not finish in time: nothing of the batch is known to be stored, and
            // every writer hears so. The next batch asks for a connection again.
            onFailure(error)
            for waiting in batch { waiting.continuation.resume(throwing: error) }
        }
    }

    /// Proves the commit path works now: a write through the lane's own connections, committed within the
    /// deadline. Readiness asks this rather than a `SELECT 1` on another pool, which answered while intake hung.
    nonisolated func check() async throws {
        do {
            try await withDeadline(deadline, "the readiness write") { [self] in
                try await inTransaction { db in
                    try await db.sql.raw("UPDATE readiness_probe SET checks = checks + 1 WHERE id = 1").run()
                }
            }
        } catch {
            onFailure(error)
            throw error
        }
    }

    /// Writes the group, and when one of its writes is refused, each alone; throws when the transaction fails.
    private nonisolated func outcomes(of writes: [Write]) async throws -> [Result<Write.Outcome, any Error>] {
        do {
            return try await inTransaction { db in try await Self.together(writes, on: db) }.map { .success($0) }
        } catch let refused as WriteRefused {
            // The group failed and took its transaction with it. Run it again, each write alone in its own
            // savepoint, so that only the failing one is undone. A lone write's failure is its answer.
            if writes.count == 1 { return [.failure(refused.error)] }
            return try await inTransaction { db in
                var outcomes: [Result<Write.Outcome, any Error>] = []
                for (index, write) in writes.enumerated() { outcomes.append(try await Self.inSavepoint(index, of: db, write)) }
                return outcomes
            }
        }
    }

    /// `body` in one transaction, its statements sent from the commit's own loop. The driver runs a transaction
    /// in a task of its own, which would start on any loop: the preference is given again inside it.
    private nonisolated func inTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(stay) { [stay, database] in
            try await database().writeTransaction { db in try await withTaskExecutorPreference(stay) { try await body(db) } }
        }
    }

    /// A write's own failure, carried out of the group's transaction to roll it back.
    private struct WriteRefused: Error { let error: any Error }

    /// The whole group at once, with no savepoint: refusals are rare. A passing conflict (busy, deadlock) passes
    /// through for `writeTransaction` to retry.
    private static func together(_ writes: [Write], on db: any Database) async throws -> [Write.Outcome] {
        do {
            let outcomes = try await Write.writeAll(writes, on: db)
            guard outcomes.count == writes.count else { throw APIError(status: .internalServerError, code: "internal_error") }
            return outcomes
        } catch  where !db.isTransient(error) {
            throw WriteRefused(error: error)
        }
    }

    /// One write, undone alone if it fails. A passing conflict (busy, deadlock) is not the write's fault:
    /// it fails the whole transaction so that `writeTransaction` runs the batch again.
    private static func inSavepoint(_ index: Int, of db: any Database, _ write: Write) async throws -> Result<Write.Outcome, any Error> {
        let name = "write_\(index)"
        try await db.sql.raw("SAVEPOINT \(unsafeRaw: name)").run()
        do {
            let outcome = try await alone(write, on: db)
            try await db.sql.raw("RELEASE SAVEPOINT \(unsafeRaw: name)").run()
            return .success(outcome)
        } catch  where !db.isTransient(error) {
            try await db.sql.raw("ROLLBACK TO SAVEPOINT \(unsafeRaw: name)").run()
            try await db.sql.raw("RELEASE SAVEPOINT \(unsafeRaw: name)").run()
            return .failure(error)
        }
    }

    fileprivate static func alone(_ write: Write, on db: any Database) async throws -> Write.Outcome {
        guard let outcome = try await Write.writeAll([write], on: db).first else {
            throw APIError(status: .internalServerError, code: "internal_error")
        }
        return outcome
    }
}

extension Database {
    /// Writes through `commits` when this handle is not already inside a transaction; inside one, the
    /// caller's transaction is the unit of commit and the write joins it.
    func groupedWrite<Write: GroupWrite>(_ write: Write, through commits: GroupCommit<Write>) async throws -> Write.Outcome {
        if inTransaction { return try await writeTransaction { db in try await GroupCommit<Write>.alone(write, on: db) } }
        return try await commits.write(write)
    }
}
