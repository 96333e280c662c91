import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// What the portal adds on the server: whether a first answer came in time (exactly at the deadline), the
/// public figures against a recount, and support and comments that can neither drift nor be stuffed.
@Suite struct PublicParticipationServerTests {
    static let day: TimeInterval = 86_400

    func stored(_ app: Application, _ trackingID: String) async throws -> ReportModel {
        let id = try #require(TrackingID(parsing: trackingID))
        return try #require(try await ReportQueries.find(trackingID: id, on: app.db))
    }

    @Test func aFirstAnswerAtTheDeadlineIsInTimeAndOneSecondAfterIsLate() async throws {
        let clock = DeadlineTests.monday()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let onTime = try await world.dispatchedToDinas()
            let late = try await world.dispatchedToDinas()
            let lateAndOpen = try await world.dispatchedToDinas(["is_confidential": true])
            let spam = try await world.submit(["target_institution_id": world.pemkab.id])
            try await world.must(.archive, on: spam.trackingID, by: world.pemkabAdmin, ["archive_reason": "spam"])
            let due = try #require(try await stored(app, onTime.trackingID).stageDueAt)

            clock.advance(by: due.timeIntervalSince(clock.now))  // the deadline's last second
            try await world.must(.answer, on: onTime.trackingID, by: world.liaison, ["text": "Sudah diperbaiki."])
            clock.advance(by: 1)
            try await world.must(.answer, on: late.trackingID, by: world.liaison, ["text": "Maaf terlambat, sudah diperbaiki."])
            #expect(try await stored(app, onTime.trackingID).firstAnswerLate == false)
            #expect(try await stored(app, late.trackingID).firstAnswerLate == true)
            #expect(try await stored(app, lateAndOpen.trackingID).firstAnswerLate == nil)

            // A second answer after a reply does not change how the first one is remembered.
            try await world.must(.reply, on: onTime.trackingID, secret: onTime.secret, ["text": "Masih ada lubang."])
            clock.advance(by: 10 * Self.day)
            try await world.must(.answer, on: onTime.trackingID, by: world.liaison, ["text": "Lubang kedua juga sudah."])
            #expect(try await stored(app, onTime.trackingID).firstAnswerLate == false)

            _ = try await SLASweeper.sweep(context: app.tanggap, on: app.db)  // lights are counted as the sweep last set them
            let result = try await PublicStatistics.compute(under: world.national, periods: [ReportTallies.allTime], on: app.db)
            // Spam is not counted; the rahasia report is, as a number only.
            #expect(result.overall.received == 3 && result.overall.answered == 2 && result.overall.answeredInTime == 1)
            #expect(result.overall.lateNow == 1 && result.overall.inTimePercent == 50)
            let pemkab = try #require(result.institutions.first { $0.id == world.pemkab.id })
            #expect(pemkab.figures == result.overall)
            #expect(result.institutions.first { $0.id == world.kemenkes.id }?.figures.received == 0)
            #expect(result.regions.map(\.name) == ["Jawa Barat"] && result.regions[0].figures == result.overall)
            // One level down, the Dinas holds them all.
            let below = try await PublicStatistics.compute(under: world.pemkab, periods: [ReportTallies.allTime], on: app.db)
            #expect(below.institutions.first { $0.id == world.dinas.id }?.figures == result.overall)
            // They all came in the same month; the month after counts none.
            let zone = app.tanggap.settings.timeZone, received = DeadlineTests.monday().now
            let thatMonth = try await PublicStatistics.compute(
                under: world.national, periods: StatisticsPeriod.thisMonth.tallyPeriods(now: received, zone: zone), on: app.db)
            #expect(thatMonth.overall == result.overall)
            let later = try await PublicStatistics.compute(
                under: world.national, periods: StatisticsPeriod.thisMonth.tallyPeriods(now: received + 40 * Self.day, zone: zone),
                on: app.db)
            #expect(later.overall.received == 0)
        }
    }

    @Test func supportIsOnePerAccountAndCommentsHideAfterThreeFlagsUntilAModeratorDecides() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            let reportID = try await stored(app, report.trackingID).id!
            let now = app.tanggap.clock.now()
            for _ in 0..<3 { try await Participation.support(reportID, by: world.citizen.id, now: now, on: app.db) }
            try await Participation.support(reportID, by: world.otherCitizen.id, now: now, on: app.db)
            #expect(try await stored(app, report.trackingID).supportCount == 2)
            #expect(try await Participation.supports(reportID, by: world.citizen.id, on: app.db))
            try await Participation.support(reportID, by: world.citizen.id, withdraw: true, now: now, on: app.db)
            try await Participation.support(reportID, by: world.citizen.id, withdraw: true, now: now, on: app.db)
            #expect(try await stored(app, report.trackingID).supportCount == 1)

            // Bad comments are refused with the field named, and write nothing.
            for bad in [nil, "", "   \n  ", String(repeating: "a", count: 2_001)] {
                await #expect(throws: ValidationFailure.self) {
                    try await Participation.addComment(bad, to: reportID, by: world.citizen.id, now: now, on: app.db)
                }
            }
            try await Participation.addComment("  <b>Kasar</b> sekali  ", to: reportID, by: world.citizen.id, now: now, on: app.db)
            let comments = try await Participation.comments(of: reportID, on: app.db)
            #expect(comments.map(\.body) == ["<b>Kasar</b> sekali"], "kept as typed, trimmed; the page escapes it")
            let commentID = comments[0].id

            let flaggers = [world.otherCitizen, world.liaison, world.technician]
            // Accounts a month old or more: each flag weighs fully (newer ones weigh less, see `flagsWeighByAccountAge`).
            let later = now.addingTimeInterval(31 * 86_400)
            for (index, person) in flaggers.enumerated() {
                for _ in 0..<2 { _ = try await Participation.flag(commentID, by: person.id, now: later, on: app.db) }
                let visible = try await Participation.comments(of: reportID, on: app.db).count
                #expect(visible == (index < 2 ? 1 : 0), "hidden only once three different accounts flagged it")
            }
            #expect(try await stored(app, report.trackingID).commentCount == 0)
            let waiting = try await Participation.hiddenComments(on: app.db)
            #expect(waiting.map(\.id) == [commentID] && waiting[0].flag_count == 3)

            try await Participation.moderate(waiting[0], .restore, by: world.nationalAdmin.id, now: now, on: app.db)
            #expect(try await Participation.comments(of: reportID, on: app.db).count == 1)
            #expect(try await stored(app, report.trackingID).commentCount == 1)
            // Restoring cleared the flags: the same accounts flag afresh, and a moderator removes it for good.
            for person in flaggers { _ = try await Participation.flag(commentID, by: person.id, now: later, on: app.db) }
            let again = try await Participation.hiddenComments(on: app.db)
            #expect(again.map(\.flag_count) == [3])
            try await Participation.moderate(again[0], .remove, by: world.nationalAdmin.id, now: now, on: app.db)
            #expect(try await Participation.comments(of: reportID, on: app.db).isEmpty)
            #expect(try await Participation.hiddenComments(on: app.db).isEmpty)
            #expect(try await Participation.flag(999_999, by: world.citizen.id, now: now, on: app.db) == nil)
        }
    }
}
