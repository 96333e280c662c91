import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Dashboard figures against counts made independently, straight from the stored reports, including answers at
/// the deadline's last second and one second after.
@Suite struct DashboardTests {
    func stored(_ app: Application, _ id: String) async throws -> ReportModel {
        try #require(try await ReportQueries.find(trackingID: TrackingID(parsing: id)!, on: app.db))
    }

    @Test func figuresMatchAnIndependentCountAtTheBoundaries() async throws {
        let clock = DeadlineTests.monday()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let inTime = try await world.dispatchedToDinas()
            let late = try await world.dispatchedToDinas()
            let lateOpen = try await world.dispatchedToDinas()
            let bounced = try await world.dispatchedToDinas()
            try await world.must(.notOurAuthority, on: bounced.trackingID, by: world.liaison, ["reason": "Ini urusan dinas lain."])
            let held = try await world.dispatchedToDinas()
            try await world.must(.hold, on: held.trackingID, by: world.liaison, ["question": "Di mana tepatnya?"])
            let spam = try await world.submit(["target_institution_id": world.pemkab.id])
            try await world.must(.archive, on: spam.trackingID, by: world.pemkabAdmin, ["archive_reason": "spam"])

            let due = try #require(try await stored(app, inTime.trackingID).stageDueAt)
            clock.advance(by: due.timeIntervalSince(clock.now))
            try await world.must(.answer, on: inTime.trackingID, by: world.liaison, ["text": "Selesai tepat pada tenggatnya."])
            clock.advance(by: 1)
            try await world.must(.answer, on: late.trackingID, by: world.liaison, ["text": "Selesai, terlambat sedetik."])
            let fresh = try await world.submit(["target_institution_id": world.pemkab.id])  // green: just in

            let now = clock.now
            _ = try await SLASweeper.sweep(context: app.tanggap, on: app.db)  // the lights as the worker's sweep leaves them
            let pemkab = try await Dashboard.compute(under: world.pemkab, periods: [ReportTallies.allTime], now: now, on: app.db)

            // The independent count: plain SQL over the stored rows, one question at a time.
            struct N: Decodable { let n: Int }
            func count(_ condition: String) async throws -> Int {
                try await app.db.sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM reports WHERE holder_path LIKE \(bind: world.pemkab.path.encoded + "%")
                    AND (archive_reason IS NULL OR archive_reason <> 'spam') AND \(unsafeRaw: condition)
                    """
                ).first(decoding: N.self)!.n
            }
            let running = "sla_stage IN ('triage', 'answer') AND held_at IS NULL"
            let w = pemkab.overall.figures, p = pemkab.overall.figures
            #expect(w.received == (try await count("1 = 1")) && w.received == 6)
            #expect(w.open == (try await count("state NOT IN ('completed', 'archived')")))
            #expect(w.onHold == (try await count("state = 'on_hold'")) && w.onHold == 1)
            let lateRows = try await app.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM reports WHERE \(unsafeRaw: running) AND stage_due_at < \(bind: now)
                """
            ).first(decoding: N.self)!.n
            #expect(w.red == lateRows && w.red == 2, "the unanswered one and the bounced one are past their deadlines")
            #expect(w.green + w.yellow + w.red + w.onHold == w.open - (try await count("sla_stage = 'reply'")))
            #expect(p.answered == (try await count("first_answered_at IS NOT NULL")) && p.answered == 2)
            #expect(p.answeredInTime == (try await count("first_answer_late = \(app.db.isPostgres ? "false" : "0")")))
            #expect(p.answeredInTime == 1 && p.inTimePercent == 50, "the last second is in time, the next one is not")
            #expect(w.bounced == 1 && w.bouncedPercent.map { abs($0 - 100.0 / 6) < 1e-9 } == true)
            #expect(w.green == 1 && w.yellow == 0, "only the report that just came in is green")
            #expect(SLAClock.light(of: try await stored(app, fresh.trackingID).sla, at: now) == .green)
            // Each unit's rows add up to the whole.
            #expect(pemkab.units.map(\.figures.received).reduce(0, +) == w.received)
            let dinas = try #require(pemkab.units.first { $0.id == world.dinas.id })
            #expect(dinas.figures.received == 4 && dinas.figures.answered == 2, "the bounced one went back up to the regency")
            // The liaison sent one back, asked one question and answered twice.
            #expect(pemkab.people.contains { $0.name == world.liaison.user.name && $0.actions == 4 })
            #expect(SLAClock.light(of: try await stored(app, lateOpen.trackingID).sla, at: now) == .red)
        }
    }

    @Test func theWeeklyReviewListsTheWeekAndItsRisingWords() async throws {
        let clock = DeadlineTests.monday()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            // The four weeks before: one report about potholes a week.
            clock.advance(by: -28 * DeadlineTests.day)
            for _ in 0..<4 {
                try await world.submit([
                    "title": "Lubang di jalan desa", "event_date": "2026-10-01", "target_institution_id": world.pemkab.id,
                ])
                clock.advance(by: 7 * DeadlineTests.day)
            }
            // This week: floods, three times, and one answer.
            var reports: [World.Submitted] = []
            for place in ["Soreang", "Banjaran", "Katapang"] {
                reports.append(try await world.dispatchedToDinas(["title": "Banjir di \(place)"]))
            }
            try await world.must(.answer, on: reports[0].trackingID, by: world.liaison, ["text": "Pompa air dikirim."])
            clock.advance(by: 6 * DeadlineTests.day)  // Sunday: the triage of last week's pothole report is long red

            let start = Workplace.start(
                of: LocalDate(DeadlineTests.monday().now, in: app.tanggap.settings.timeZone), in: app.tanggap.settings.timeZone)
            let review = try await WeeklyReview.compute(under: world.pemkab, weekStart: start, now: clock.now, on: app.db)
            #expect(
                review.received.count == 3
                    && Set(review.received.map(\.title)) == ["Banjir di Soreang", "Banjir di Banjaran", "Banjir di Katapang"])
            #expect(review.answerers.map(\.answers) == [1] && review.answerers.first?.name == world.liaison.user.name)
            #expect(review.risingTerms.map(\.term) == ["banjir"] && review.risingTerms.first?.thisWeek == 3)
            #expect(review.red.contains { $0.title == "Lubang di jalan desa" }, "last week's reports wait in triage, red")
            #expect(review.red.allSatisfy { $0.stage_due_at < clock.now })

            // The page reads the weeks' topics side by side on every event loop's connection: the same review.
            let others = app.eventLoopGroup.makeIterator().map { app.databases.database(logger: app.logger, on: $0)! }
            let alongside = try await WeeklyReview.compute(
                under: world.pemkab, weekStart: start, now: clock.now, on: app.db, alongside: others)
            #expect(alongside.received.map(\.tracking_id) == review.received.map(\.tracking_id))
            #expect(alongside.red.map(\.tracking_id) == review.red.map(\.tracking_id))
            #expect(alongside.answerers.map(\.answers) == review.answerers.map(\.answers))
            #expect(alongside.risingTerms.map(\.term) == review.risingTerms.map(\.term))
            #expect(alongside.risingCategories.map(\.term) == review.risingCategories.map(\.term))
        }
    }
}
