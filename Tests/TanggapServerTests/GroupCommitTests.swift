import Fluent
import Foundation
import SQLKit
import Testing
@testable import TanggapCore
@testable import TanggapServer
import Vapor

/// Concurrent submissions share commits: each is stored and answered only after its commit, fewer commits than
/// writes are made, and one write that fails is undone alone.
@Suite struct GroupCommitTests {
    struct N: Decodable { let n: Int }

    @Test func concurrentSubmissionsShareCommitsAndEachIsStoredWithItsHistory() async throws {
        try await withTestApp { app in
            _ = try await World.build(app)
            let before = await app.tanggap.commits.counts
            let context = app.tanggap
            let receipts = try await withThrowingTaskGroup(of: SubmissionReceipt.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        let submission = ReportSubmission(
                            classification: "pengaduan", title: "Jalan berlubang di ruas nomor \(n)",
                            body: "Lubang besar di tengah jalan sudah menyebabkan dua pengendara jatuh minggu ini.",
                            reporterName: "Warga", reporterPhone: "081234567890")
                        return try await ReportIntake.submit(submission, uploads: [], from: .visitor, defaultChannel: .api, context: context, on: app.db)
                    }
                }
                return try await group.reduce(into: [SubmissionReceipt]()) { $0.append($1) }
            }
            let ids = receipts.map(\.trackingID.value)
            #expect(Set(ids).count == 40)
            let stored = try await ReportModel.query(on: app.db).filter(\.$trackingID ~~ ids).all()
            #expect(stored.count == 40 && Set(stored.map(\.title)).count == 40)
            let events = try await app.db.sql.raw("""
                SELECT COUNT(*) AS n FROM report_events WHERE kind = 'submitted' AND report_id IN (SELECT id FROM reports WHERE title LIKE 'Jalan berlubang di ruas%')
                """).first(decoding: N.self)!.n
            #expect(events == 40)

            let after = await app.tanggap.commits.counts
            #expect(after.writes - before.writes == 40)
            #expect(after.commits - before.commits < 40, "some submissions waited for the same commit")
        }
    }

    struct Refused: Error {}

    @Test func aWriteThatFailsIsUndoneAloneAndTheOthersInItsCommitStay() async throws {
        try await withTestApp { app in
            try await app.db.sql.raw("CREATE TABLE group_commit_probe (n BIGINT PRIMARY KEY, word TEXT NOT NULL UNIQUE)").run()
            let commits = app.tanggap.commits
            // Two writes of the same word: whichever comes second breaks the unique rule. One write inserts and
            // then refuses: its row must go with it.
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for n in 0..<24 {
                    group.addTask {
                        do {
                            try await commits.write { db in
                                let word = n == 8 ? "w7" : "w\(n)"
                                try await db.sql.raw("INSERT INTO group_commit_probe (n, word) VALUES (\(bind: n), \(bind: word))").run()
                                if n == 13 { throw Refused() }
                            }
                            return (n, true)
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

            // Inside a caller's transaction the write joins it: nothing is committed apart from the caller.
            try? await app.db.transaction { db in
                _ = try await db.groupedWrite(through: commits) { db in
                    try await db.sql.raw("INSERT INTO group_commit_probe (n, word) VALUES (100, 'w100')").run()
                }
                throw Refused()
            }
            #expect(try await app.db.sql.raw("SELECT COUNT(*) AS n FROM group_commit_probe WHERE n = 100").first(decoding: N.self)!.n == 0)
        }
    }
}
