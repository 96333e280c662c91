import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Deadlines through the API with a clock the test moves: stages, the sweeper, holds, the reply window,
/// escalation, reminders.
@Suite struct DeadlineTests {
    /// Monday 23 November 2026, 10:00 WIB.
    static func monday() -> TestClock { TestClock(try! Date("2026-11-23T03:00:00Z", strategy: .iso8601)) }
    static let day: TimeInterval = 86_400

    func deadlines(_ world: World, _ id: String, as person: Person? = nil) async throws -> ReportRepresentation.Deadlines? {
        try await world.get("/api/v1/reports/\(id)", as: person ?? world.nationalAdmin).report.deadlines
    }

    /// A moment as the API writes it.
    static func at(_ iso: String) -> Date { try! Date(iso, strategy: .iso8601) }

    func sweep(_ app: Application) async throws -> SLASweeper.Summary {
        try await SLASweeper.sweep(context: app.tanggap, on: app.db)
    }

    func ids(_ reply: Reply) throws -> Set<String> {
        Set(try reply.decode(TanggapServer.Page<ReportRepresentation>.self).items.map(\.trackingID))
    }

    func events(_ world: World, _ id: String) async throws -> [EventRepresentation] {
        try await world.get("/api/v1/reports/\(id)/events", as: world.nationalAdmin).events
    }

    func notifications(_ reply: Reply) throws -> [NotificationsController.Item] {
        try reply.decode(Items<NotificationsController.Item>.self).items
    }

    @Test func aReportTurnsYellowThenRedAndTheSweeperWritesItDown() async throws {
        let clock = Self.monday()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let report = try await world.submit(["target_institution_id": world.pemkab.id])
            var sla = try #require(try await deadlines(world, report.trackingID))
            #expect(sla.stage == .triage && sla.light == .green)
            #expect(sla.dueAt == Self.at("2026-11-26T16:59:59Z"), "end of Thursday, WIB")
            #expect(sla.caseDueAt == Self.at("2027-01-22T16:59:59Z"))
            #expect((try await sweep(app)).read == 0, "nothing to look at before the first change")

            clock.advance(by: 3 * Self.day)  // Thursday 10:00: the last day
            #expect(try await deadlines(world, report.trackingID)?.light == .yellow, "the light is right even before a sweep")
            let yellow = try await sweep(app)
            #expect(yellow.read == 1 && yellow.changed == 1)
            #expect(try ids(await world.get("/api/v1/reports?due_within_days=1", as: world.nationalAdmin)) == [report.trackingID])

            clock.advance(by: Self.day)  // Friday: late
            let red = try await sweep(app)
            #expect(red.changed == 1)
            #expect((try await sweep(app)).read == 0, "a second sweep has nothing to do")
            sla = try #require(try await deadlines(world, report.trackingID))
            #expect(sla.light == .red && sla.isLate)
            #expect(try ids(await world.get("/api/v1/reports?late=true", as: world.nationalAdmin)) == [report.trackingID])
            #expect(try ids(await world.get("/api/v1/reports?late=false", as: world.nationalAdmin)).isEmpty)

            let history = try await events(world, report.trackingID)
            let clockEvents = history.filter { $0.kind == .deadline }
            #expect(clockEvents.map { $0.details?.light } == [.yellow, .red])
            #expect(clockEvents.allSatisfy { $0.actor.kind == "system" })
            // The regency's admin was told both times, in the in-app list.
            let inbox = try await world.get("/api/v1/notifications", as: world.pemkabAdmin)
            let items = try notifications(inbox)
            #expect(items.map(\.kind) == ["red", "yellow"])
            #expect(
                try await app.request(.POST, "/api/v1/notifications/read", token: world.pemkabAdmin.token, json: ["ids": [Int64]()]).status
                    == .noContent)
            #expect(
                try notifications(await world.get("/api/v1/notifications?unread=true", as: world.pemkabAdmin)).count == 2,
                "an empty list marks nothing read")
            #expect(
                try await app.request(
                    .POST, "/api/v1/notifications/read", token: world.pemkabAdmin.token, json: ["ids": [items[0].id]]
                ).status == .noContent)
            let unread = try await world.get("/api/v1/notifications?unread=true", as: world.pemkabAdmin)
            #expect(try notifications(unread).map(\.kind) == ["yellow"])

            // Dispatched: a fresh clock for the unit, and no longer late.
            try await world.must(.verify, on: report.trackingID, by: world.pemkabAdmin)
            try await world.must(.dispatch, on: report.trackingID, by: world.pemkabAdmin, ["institution_id": world.dinas.id])
            sla = try #require(try await deadlines(world, report.trackingID))
            #expect(sla.stage == .answer && sla.light == .green)
            #expect(sla.dueAt == Self.at("2026-12-04T16:59:59Z"), "five working days from Friday")
            #expect(try ids(await world.get("/api/v1/reports?late=true", as: world.nationalAdmin)).isEmpty)
        }
    }

    @Test func aHoldStopsTheClockAndTheHistorySaysForHowLong() async throws {
        let clock = Self.monday()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            try await world.must(.hold, on: report.trackingID, by: world.liaison, ["question": "Di mana tepatnya?"])
            #expect(try await deadlines(world, report.trackingID)?.onHoldSince != nil)
            clock.advance(by: 14 * Self.day)
            #expect((try await sweep(app)).read == 0, "a report on hold does not age")
            let resumed = try await world.must(.reply, on: report.trackingID, secret: report.secret, ["text": "Depan SD Negeri 1."])
            let details = try #require(try resumed.acted.event?.details)
            #expect(details.pausedWorkingDays == 10)
            #expect(details.dueAt == Self.at("2026-12-14T16:59:59Z"), "the five working days start again from the reply")
            #expect(try await deadlines(world, report.trackingID)?.light == .green)
        }
    }

    @Test func theReporterWindowClosesByItselfAndLateCasesEscalate() async throws {
        let clock = Self.monday()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let answered = try await world.dispatchedToDinas()
            try await world.must(.answer, on: answered.trackingID, by: world.liaison, ["text": "Sudah ditambal."])
            let forgotten = try await world.dispatchedToDinas()
            clock.advance(by: 15 * Self.day)
            _ = try await sweep(app)
            let completed = try await world.get("/api/v1/reports/\(answered.trackingID)", as: world.nationalAdmin).report
            #expect(completed.state == .completed && completed.deadlines == nil)
            #expect(try await events(world, answered.trackingID).last?.kind == .confirm)

            clock.advance(by: 50 * Self.day)
            _ = try await sweep(app)
            let escalated = try await world.get("/api/v1/reports/\(forgotten.trackingID)", as: world.nationalAdmin)
            #expect(try escalated.report.isEscalated)
            let last = try await events(world, forgotten.trackingID).last
            #expect(last?.kind == .escalate && last?.actor.kind == "system")
            // Red long enough: the regency above the Dinas was told, then the national level above it.
            let ladder = try await events(world, forgotten.trackingID).compactMap { $0.details?.notifiedInstitution }
            #expect(ladder.map(\.id) == [world.pemkab.id, world.national.id])
        }
    }

    @Test func oneDigestPerPersonPerSweepWithTheRightReports() async throws {
        let clock = Self.monday()
        try await withTestApp(clock: clock) { app in
            let mailer = RecordingMailer()
            app.tanggap.mailer = mailer
            let world = try await World.build(app)
            let late = [try await world.dispatchedToDinas(), try await world.dispatchedToDinas(["title": "Lampu jalan mati di Soreang"])]
            let elsewhere = try await world.submit()  // with the national level, turns red for the national admins
            clock.advance(by: 8 * Self.day)
            let summary = try await sweep(app)
            #expect(summary.changed == 3 && summary.digests == 3)
            let worker = JobWorker(name: "test", context: app.tanggap, db: app.db, logger: app.logger, periodic: [])
            while try await worker.runOnce() > 0 {}
            let byRecipient = Dictionary(grouping: mailer.messages, by: \.to)
            #expect(Set(byRecipient.keys) == ["penghubung@tanggap.test", "admin.bandung@tanggap.test", "admin@tanggap.test"])
            #expect(byRecipient.values.allSatisfy { $0.count == 1 })
            let liaisonMail = try #require(byRecipient["penghubung@tanggap.test"]?.first)
            for report in late { #expect(liaisonMail.body.contains(report.trackingID)) }
            #expect(!liaisonMail.body.contains(elsewhere.trackingID))
            #expect(liaisonMail.subject.contains("2"))
            #expect(byRecipient["admin@tanggap.test"]?.first?.body.contains(elsewhere.trackingID) == true)
            // Nothing new: nothing sent again.
            _ = try await sweep(app)
            while try await worker.runOnce() > 0 {}
            #expect(mailer.messages.count == 3)
        }
    }

    @Test func institutionsSetTheirOwnDaysAndLimits() async throws {
        let clock = Self.monday()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            // The regency gives its units two working days to answer complaints, and has an anniversary on Wednesday.
            let override = try await app.request(
                .PUT, "/api/v1/sla", token: world.pemkabAdmin.token,
                json: [
                    "institution_id": world.pemkab.id, "classification": "pengaduan", "answer": ["amount": 2, "unit": "working_days"],
                ])
            #expect(override.status == .ok, "\(override.text)")
            #expect(try override.decode(SLAController.Policy.self).answer.amount == 2)
            let holiday = try await app.request(
                .POST, "/api/v1/holidays", token: world.pemkabAdmin.token,
                json: [
                    "institution_id": world.pemkab.id, "date": "2026-11-25", "name": "Hari Jadi Kabupaten Bandung",
                ])
            #expect(try holiday.status == .created && holiday.decode(CalendarController.HolidayItem.self).kind == "local")
            let report = try await world.dispatchedToDinas()
            #expect(
                try await deadlines(world, report.trackingID)?.dueAt == Self.at("2026-11-26T16:59:59Z"),
                "Tuesday and Thursday: Wednesday is the regency's holiday")
            // An aspiration keeps the national five days.
            let aspiration = try await world.dispatchedToDinas(["classification": "aspirasi"])
            #expect(try await deadlines(world, aspiration.trackingID)?.dueAt == Self.at("2026-12-01T16:59:59Z"))
            // A ministry elsewhere is not affected by the regency's day off.
            let calendar = try await world.get("/api/v1/institutions/\(world.kemenkes.id)/calendar?year=2026")
            let holidays = try calendar.decode(CalendarController.Calendar.self).holidays
            #expect(!holidays.contains { $0.name == "Hari Jadi Kabupaten Bandung" })
            #expect(
                holidays.contains { $0.name == "Hari Kemerdekaan Republik Indonesia" })
            let dinas = try await world.get("/api/v1/institutions/\(world.dinas.id)/calendar?year=2026")
            #expect(try dinas.decode(CalendarController.Calendar.self).holidays.contains { $0.date == "2026-11-25" })
        }
    }

    @Test func onlyAdminsChangeCalendarsAndLimits() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let national = ["date": "2026-12-24", "name": "Cuti bersama Natal", "kind": "cuti_bersama"]
            #expect(try await app.request(.POST, "/api/v1/holidays", token: world.pemkabAdmin.token, json: national).status == .forbidden)
            #expect(try await app.request(.POST, "/api/v1/holidays", json: national).status == .unauthorized)
            let added = try await app.request(.POST, "/api/v1/holidays", token: world.nationalAdmin.token, json: national)
            #expect(added.status == .created)
            #expect(
                try await app.request(
                    .POST, "/api/v1/holidays", token: world.liaison.token,
                    json: ["institution_id": world.dinas.id, "date": "2026-12-01", "name": "Libur"]
                ).status == .forbidden)
            #expect(
                try await app.request(
                    .PUT, "/api/v1/institutions/\(world.kemenkes.id)/calendar", token: world.pemkabAdmin.token,
                    json: ["time_zone": "Asia/Jayapura"]
                ).status == .forbidden)
            let week = try await app.request(
                .PUT, "/api/v1/institutions/\(world.upt.id)/calendar", token: world.pemkabAdmin.token,
                json: ["time_zone": "Asia/Makassar", "working_weekdays": [1, 2, 3, 4, 5, 6]])
            let set = try week.decode(CalendarController.Calendar.self)
            #expect(set.timeZone == "Asia/Makassar" && set.workingWeekdays == [1, 2, 3, 4, 5, 6])
            let bad = try await app.request(
                .PUT, "/api/v1/institutions/\(world.upt.id)/calendar", token: world.pemkabAdmin.token,
                json: ["time_zone": "Mars/Olympus", "working_weekdays": [0, 8]])
            #expect(bad.fieldErrors == ["time_zone:invalid", "working_weekdays:invalid"])
            let badHoliday = try await app.request(
                .POST, "/api/v1/holidays", token: world.nationalAdmin.token, json: ["date": "2026-02-30", "name": "", "kind": "pesta"])
            #expect(badHoliday.fieldErrors == ["date:invalid", "name:required", "kind:invalid"])
            let badLimit = try await app.request(
                .PUT, "/api/v1/sla", token: world.nationalAdmin.token,
                json: ["answer": ["amount": 0, "unit": "fortnights"], "yellow_share": 2])
            #expect(badLimit.fieldErrors == ["answer:invalid", "yellow_share:invalid"])
            let id = try added.decode(CalendarController.HolidayItem.self).id
            #expect(try await app.request(.DELETE, "/api/v1/holidays/\(id)", token: world.pemkabAdmin.token).status == .forbidden)
            #expect(try await app.request(.DELETE, "/api/v1/holidays/\(id)", token: world.nationalAdmin.token).status == .noContent)
            #expect(try await app.request(.GET, "/api/v1/jobs", token: world.pemkabAdmin.token).status == .forbidden)
            // The deployment's own limits: national admins set them, every institution inherits them.
            #expect(
                try await app.request(
                    .PUT, "/api/v1/sla", token: world.pemkabAdmin.token, json: ["triage": ["amount": 4, "unit": "working_days"]]
                ).status == .forbidden)
            let deployment = try await app.request(
                .PUT, "/api/v1/sla", token: world.nationalAdmin.token, json: ["triage": ["amount": 4, "unit": "working_days"]])
            #expect(try deployment.decode(SLAController.Policy.self).triage.amount == 4)
            #expect(try await world.get("/api/v1/sla").decode(SLAController.Policy.self).triage.amount == 4)
            let inherited = try await world.get("/api/v1/sla?institution_id=\(world.upt.id)&classification=aspirasi")
            let policy = try inherited.decode(SLAController.Policy.self)
            #expect(policy.triage.amount == 4 && policy.answer.amount == 5)
        }
    }
}
