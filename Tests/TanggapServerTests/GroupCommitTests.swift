import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Concurrent submissions share commits: each is stored and answered only after its commit, fewer commits than
/// writes are made, and one write that fails is undone alone.
@Suite struct GroupCommitTests {
    struct N: Decodable { let n: Int }

    @Test func concurrentSubmissionsShareCommitsAndEachIsStoredWithItsHistory() async throws {
        try await withTestApp { app in
            _ = try await World.build(app)
            let received = """
                SELECT COALESCE(SUM(received), 0) AS n FROM report_tallies WHERE direct = \(app.db.isPostgres ? "true" : "1") AND period = 'all'
                """
            let receivedBefore = try await app.db.sql.raw(SQLQueryString(received)).first(decoding: N.self)!.n
            let before = await app.tanggap.commits.counts
            let context = app.tanggap
            let receipts = try await withThrowingTaskGroup(of: SubmissionReceipt.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        let submission = ReportSubmission(
                            classification: "pengaduan", title: "Jalan berlubang di ruas nomor \(n)",
                            body: "Lubang besar di tengah jalan sudah menyebabkan dua pengendara jatuh minggu ini.",
                            reporterName: "Warga", reporterPhone: "081234567890")
                        return try await ReportIntake.submit(
                            submission, uploads: [], from: .visitor, defaultChannel: .api, context: context, on: app.db
                        ).receipt
                    }
                }
                return try await group.reduce(into: [SubmissionReceipt]()) { $0.append($1) }
            }
            let ids = receipts.map(\.trackingID)
            #expect(Set(ids).count == 40)
            let stored = try await ReportModel.query(on: app.db).filter(\.$trackingID ~~ ids).all()
            #expect(stored.count == 40 && Set(stored.map(\.title)).count == 40)
            let events = try await app.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM report_events WHERE kind = 'submitted' AND report_id IN (SELECT id FROM reports WHERE title LIKE 'Jalan berlubang di ruas%')
                """
            ).first(decoding: N.self)!.n
            #expect(events == 40)
            // Written a group at a time, each report still has its first holder and counts once in the figures.
            let routes = try await app.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM report_routes r JOIN reports p ON p.id = r.report_id
                WHERE p.title LIKE 'Jalan berlubang di ruas%' AND r.institution_id = p.holder_id AND r.path = p.holder_path
                """
            ).first(decoding: N.self)!.n
            #expect(routes == 40)
            #expect(try await app.db.sql.raw(SQLQueryString(received)).first(decoding: N.self)!.n == receivedBefore + 40)
            #expect(receipts.allSatisfy { receipt in stored.contains { $0.id == receipt.reportID && $0.trackingID == receipt.trackingID } })

            let after = await app.tanggap.commits.counts
            #expect(after.writes - before.writes == 40)
            #expect(after.commits - before.commits < 40, "some submissions waited for the same commit")
        }
    }

    struct Refused: Error {}

    /// A probe write: a whole group goes in with one statement, as new reports do; a probe may refuse after writing.
    struct Probe: GroupWrite {
        let n: Int
        let word: String
        let refuses: Bool

        static func writeAll(_ probes: [Probe], on db: any Database) async throws -> [Int] {
            _ = try await NewRow.insert(into: "group_commit_probe", columns: "n, word", rows: probes.map { [$0.n, $0.word] }, on: db)
            if probes.contains(where: \.refuses) { throw Refused() }
            return probes.map(\.n)
        }
    }

    @Test func aWriteThatFailsIsUndoneAloneAndTheOthersInItsCommitStay() async throws {
        try await withTestApp { app in
            try await app.db.sql.raw("CREATE TABLE group_commit_probe (n BIGINT PRIMARY KEY, word TEXT NOT NULL UNIQUE)").run()
            let commits = GroupCommit<Probe>(on: app.eventLoopGroup.any()) { app.db }
            // Two writes of the same word: whichever comes second breaks the unique rule. One write inserts and
            // then refuses: its row must go with it.
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for n in 0..<24 {
                    group.addTask {
                        do {
                            let written = try await commits.write(Probe(n: n, word: n == 8 ? "w7" : "w\(n)", refuses: n == 13))
                            return (n, written == n)
                        } catch {
                            return (n, false)
                        }
                    }
                }
                return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            let failed = outcomes.filter { !$0.value }.map(\.key).sorted()
            #expect(failed.count == 2 && failed.contains(13) && (failed.contains(7) || failed.contains(8)))
            let rows = try await app.db.sql.raw("SELECT n FROM group_commit_probe ORDER BY n").all()
                .map { try $0.decode(column: "n", as: Int.self) }
            #expect(rows == (0..<24).filter { !failed.contains($0) })
            let counts = await commits.counts
            #expect(counts.writes == 24 && counts.commits < 24, "the writes were grouped")

            // Inside a caller's transaction the write joins it: nothing is committed apart from the caller.
            try? await app.db.transaction { db in
                _ = try await db.groupedWrite(Probe(n: 100, word: "w100", refuses: false), through: commits)
                throw Refused()
            }
            #expect(try await app.db.sql.raw("SELECT COUNT(*) AS n FROM group_commit_probe WHERE n = 100").first(decoding: N.self)!.n == 0)
        }
    }

    /// A write that, when told to, never finishes: what a query written to a connection already cut looked like.
    static let stuckWriteStarted = NIOLockedValueBox(false)
    /// The stuck write's continuation, resumed when the test is over so that its connection is given back.
    static let stuckWrite = NIOLockedValueBox<UnsafeContinuation<Void, any Error>?>(nil)

    struct Stuck: GroupWrite {
        let n: Int
        let hangs: Bool

        static func writeAll(_ writes: [Stuck], on db: any Database) async throws -> [Int] {
            if writes.contains(where: \.hangs) {
                try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in  // not answered
                    stuckWrite.withLockedValue { $0 = continuation }
                    stuckWriteStarted.withLockedValue { $0 = true }
                }
            }
            _ = try await NewRow.insert(into: "group_commit_probe", columns: "n, word", rows: writes.map { [$0.n, "s\($0.n)"] }, on: db)
            return writes.map(\.n)
        }
    }

    @Test func aBatchThatNeverAnswersReleasesEveryWriterAtTheDeadlineAndTheNextBatchCommits() async throws {
        try await withTestApp { app in
            try await app.db.sql.raw("CREATE TABLE group_commit_probe (n BIGINT PRIMARY KEY, word TEXT NOT NULL UNIQUE)").run()
            let failures = NIOLockedValueBox<[String]>([])
            // The stuck batch keeps its connection (as a hung one did); the watch's renewal gives the next batches
            // another. Here: the first handle on one event loop's connection, every later one on another's.
            let loops = Array(app.eventLoopGroup.makeIterator())
            try #require(loops.count > 1)
            let handles = NIOLockedValueBox(0)
            let commits = GroupCommit<Stuck>(
                on: app.eventLoopGroup.any(), deadline: .seconds(1),
                onFailure: { error in
                    failures.withLockedValue { $0.append(String(describing: error)) }
                }
            ) {
                let first = handles.withLockedValue { count in
                    defer { count += 1 }
                    return count == 0
                }
                return app.databases.database(logger: app.logger, on: first ? loops[0] : loops[1])!
            }
            let started = ContinuousClock.now
            // The stuck write goes first, alone in its batch; three more queue behind it meanwhile.
            let stuck = Task { try await commits.write(Stuck(n: 0, hangs: true)) }
            while !Self.stuckWriteStarted.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            let queued = (1...3).map { n in Task { try await commits.write(Stuck(n: n, hangs: false)) } }
            await #expect(throws: DatabaseUnavailable.self) { try await stuck.value }
            for (n, task) in zip(1...3, queued) { #expect(try await task.value == n, "a writer queued behind the stuck batch committed") }
            #expect(ContinuousClock.now - started < .seconds(3), "no writer waited much past the deadline")
            #expect(failures.withLockedValue { $0.count } == 1, "the failure was reported for the watch")
            #expect(DatabaseFault.of(DatabaseUnavailable(what: "test")) == .unavailable)

            // The queue moved on: the next writes commit.
            #expect(try await commits.write(Stuck(n: 10, hangs: false)) == 10)
            // Read on the second loop: the first loop's only connection is still held by the stuck write.
            let reader = app.databases.database(logger: app.logger, on: loops[1])!
            #expect(try await reader.sql.raw("SELECT COUNT(*) AS n FROM group_commit_probe WHERE n = 10").first(decoding: N.self)!.n == 1)
            Self.stuckWrite.withLockedValue {
                $0?.resume(throwing: Refused())
                $0 = nil
            }
            try await Task.sleep(for: .milliseconds(100))  // its transaction rolls back and gives the connection back
        }
    }
}
