import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// The kept figures (`report_tallies`) are changed with every report in the same transaction; after any mix of
/// actions, sweeps and time they must equal a recount of every report from scratch.
@Suite struct FiguresTests {
    /// Every non-empty tally row, by its key.
    func tallies(_ app: Application) async throws -> [String: [Int]] {
        var rows: [String: [Int]] = [:]
        for row in try await app.db.sql.raw("SELECT * FROM report_tallies").all() {
            let key = [
                try row.decode(column: "institution_id", as: Int64.self).description,
                try row.decode(column: "direct", as: Bool.self).description,
                try row.decode(column: "province_id", as: Int64.self).description,
                try row.decode(column: "period", as: String.self),
            ].joined(separator: " ")
            let counts = try PerformanceFigures.counters.map { try row.decode(column: $0.name, as: Int.self) }
            if counts.contains(where: { $0 != 0 }) { rows[key] = counts }
        }
        return rows
    }

    @Test func keptFiguresEqualARecountAfterEveryKindOfChange() async throws {
        let clock = DeadlineTests.monday()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let completed = try await world.dispatchedToDinas()
            try await world.must(.answer, on: completed.trackingID, by: world.liaison, ["text": "Sudah ditambal."])
            try await world.must(.confirm, on: completed.trackingID, secret: completed.secret)
            try await world.must(.rate, on: completed.trackingID, secret: completed.secret, ["rating": "satisfied"])
            let bounced = try await world.dispatchedToDinas()
            try await world.must(.notOurAuthority, on: bounced.trackingID, by: world.liaison, ["reason": "Ini urusan dinas lain."])
            let held = try await world.dispatchedToDinas()
            try await world.must(.hold, on: held.trackingID, by: world.liaison, ["question": "Di mana tepatnya?"])
            let spam = try await world.submit(["target_institution_id": world.pemkab.id])
            try await world.must(.archive, on: spam.trackingID, by: world.pemkabAdmin, ["archive_reason": "spam"])
            let reopened = try await world.submit(["target_institution_id": world.pemkab.id])
            try await world.must(.archive, on: reopened.trackingID, by: world.pemkabAdmin, ["archive_reason": "spam"])
            try await world.must(.reopen, on: reopened.trackingID, by: world.nationalAdmin, ["reason": "Bukan spam"])
            let national = try await world.submit(["region_id": NSNull()])  // held at the root, no province
            let ministry = try await world.submit(["target_institution_id": world.kemenkes.id])
            try await world.must(.verify, on: ministry.trackingID, by: world.kemenkesAdmin)
            try await world.must(.dispatch, on: ministry.trackingID, by: world.kemenkesAdmin, ["institution_id": world.direktorat.id])
            // Time passes: lights turn, the sweep writes them, a reply comes back after the answer.
            clock.advance(by: 4 * DeadlineTests.day)
            _ = try await SLASweeper.sweep(context: app.tanggap, on: app.db)
            try await world.must(.reply, on: held.trackingID, secret: held.secret, ["text": "Depan SD Negeri 1."])
            clock.advance(by: 20 * DeadlineTests.day)
            _ = try await SLASweeper.sweep(context: app.tanggap, on: app.db)
            try await world.must(.answer, on: held.trackingID, by: world.liaison, ["text": "Terlambat, tapi selesai."])
            try await world.must(.correct, on: national.trackingID, by: world.nationalAdmin, ["title": "Judul yang dikoreksi"])

            let kept = try await tallies(app)
            let summary = try await ReportTallies.rebuild(context: app.tanggap, on: app.db)
            let recounted = try await tallies(app)
            #expect(summary.reports == 7)
            #expect(!kept.isEmpty && kept == recounted)

            // And the sums read back are what the reports say.
            let everything = try await InstitutionFigures.load(
                world.national.id, children: [world.pemkab.id, world.kemenkes.id, world.ombudsman.id], periods: [ReportTallies.allTime],
                on: app.db)
            let all = everything.overall
            #expect(
                try await InstitutionFigures.overall(of: world.national.id, periods: [ReportTallies.allTime], on: app.db) == all,
                "the home page's one sum is the sum of the lines")
            #expect(all.received == 6, "spam counts nowhere")
            #expect(all.completed == 1 && all.rated == 1 && all.satisfied == 1 && all.bounced == 1)
            #expect(all.answered == 2 && all.answeredInTime == 1 && all.answerDays.reduce(0, +) == 2)
            #expect(everything.direct.received == 1, "the report with no target waits at the national level")
            #expect(everything.children[world.kemenkes.id]?.received == 1 && everything.provinces.values.map(\.received).reduce(0, +) == 5)
        }
    }

    @Test func theFirstStartAfterTheUpgradeCountsTheReportsAlreadyThere() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            _ = try await world.dispatchedToDinas()
            let before = try await tallies(app)
            try await app.db.sql.raw("DELETE FROM report_tallies").run()
            try await ReportTallies.buildIfMissing(context: app.tanggap, on: app.db)
            #expect(try await tallies(app) == before && !before.isEmpty)
            // Already built: nothing is counted twice.
            try await ReportTallies.buildIfMissing(context: app.tanggap, on: app.db)
            #expect(try await tallies(app) == before)
        }
    }
}
