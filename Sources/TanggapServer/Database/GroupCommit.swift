import Fluent
import Foundation
import SQLKit

/// Many concurrent writers, one commit. Durable writes cost one flush to disk each (SQLite's fsync of the
/// write-ahead log, PostgreSQL's WAL flush); grouping pays it once per group instead of once per report. Writes
/// handed in here while a commit is in flight wait together and go into the next transaction. When one of them
/// fails (a refused value, a tracking-ID collision) the group runs again with each write in its own savepoint,
/// so the failure undoes only that write. Every caller hears its own outcome only after the commit, so an
/// acknowledged write is on disk. A lone writer waits for nobody: its batch is itself. A passing conflict runs the
/// whole group again, so each write must start from scratch every time it is called.
actor GroupCommit {
    private struct Waiting {
        let work: @Sendable (any Database) async throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private let database: @Sendable () -> any Database
    private let largestBatch: Int
    private var queue: [Waiting] = []
    private var isCommitting = false
    /// Commits made and writes they carried, since the start: their ratio is the grouping achieved.
    private(set) var counts = (commits: 0, writes: 0)

    /// `database` gives a handle that is not inside a transaction (the application's, not a request's).
    init(largestBatch: Int = 64, database: @escaping @Sendable () -> any Database) {
        self.largestBatch = largestBatch
        self.database = database
    }

    /// Runs `work` inside the next group transaction and returns its result once that transaction committed.
    func write<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { continuation in
            queue.append(Waiting(work: { try await work($0) }, continuation: continuation))
            if !isCommitting {
                isCommitting = true
                Task { await commitWhileWaiting() }
            }
        }
        return value as! T
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
        let works = batch.map(\.work)
        do {
            let outcomes: [Result<any Sendable, any Error>]
            do {
                outcomes = try await database().writeTransaction { db in try await Self.together(works, on: db) }
            } catch let refused as WriteRefused {
                // One write failed and took the group's transaction with it. Run the group again, each write in
                // its own savepoint, so that only the failing one is undone. A lone write's failure is its answer.
                if works.count == 1 {
                    outcomes = [.failure(refused.error)]
                } else {
                    outcomes = try await database().writeTransaction { db in
                        var outcomes: [Result<any Sendable, any Error>] = []
                        for (index, work) in works.enumerated() { outcomes.append(try await Self.inSavepoint(index, of: db, work)) }
                        return outcomes
                    }
                }
            }
            counts.commits += 1
            counts.writes += batch.count
            for (waiting, outcome) in zip(batch, outcomes) { waiting.continuation.resume(with: outcome) }
        } catch {
            // The commit itself failed: nothing of the batch is stored, and every writer hears so.
            for waiting in batch { waiting.continuation.resume(throwing: error) }
        }
    }

    /// A write's own failure, carried out of the group's transaction to roll it back.
    private struct WriteRefused: Error { let error: any Error }

    /// Every write one after another with no savepoint between them: refusals are rare, and a savepoint costs two
    /// statements per write. A passing conflict (busy, deadlock) passes through for `writeTransaction` to retry.
    private static func together(
        _ works: [@Sendable (any Database) async throws -> any Sendable], on db: any Database
    ) async throws -> [Result<any Sendable, any Error>] {
        var outcomes: [Result<any Sendable, any Error>] = []
        for work in works {
            do { outcomes.append(.success(try await work(db))) }
            catch where !db.isTransient(error) { throw WriteRefused(error: error) }
        }
        return outcomes
    }

    /// One write, undone alone if it fails. A passing conflict (busy, deadlock) is not the write's fault:
    /// it fails the whole transaction so that `writeTransaction` runs the batch again.
    private static func inSavepoint(
        _ index: Int, of db: any Database, _ work: @Sendable (any Database) async throws -> any Sendable
    ) async throws -> Result<any Sendable, any Error> {
        let name = "write_\(index)"
        try await db.sql.raw("SAVEPOINT \(unsafeRaw: name)").run()
        do {
            let value = try await work(db)
            try await db.sql.raw("RELEASE SAVEPOINT \(unsafeRaw: name)").run()
            return .success(value)
        } catch where !db.isTransient(error) {
            try await db.sql.raw("ROLLBACK TO SAVEPOINT \(unsafeRaw: name)").run()
            try await db.sql.raw("RELEASE SAVEPOINT \(unsafeRaw: name)").run()
            return .failure(error)
        }
    }
}

extension Database {
    /// Writes through `commits` when this handle is not already inside a transaction; inside one, the
    /// caller's transaction is the unit of commit and the work joins it.
    func groupedWrite<T: Sendable>(
        through commits: GroupCommit, _ work: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        if inTransaction { return try await writeTransaction(work) }
        return try await commits.write(work)
    }
}
