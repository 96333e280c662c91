import Fluent
import Foundation
import Logging
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import TanggapCore
@testable import TanggapServer

/// Tanggap as an Open311 client, short of the network (the two-instance story is in the e2e tests): a dispatch to an
/// endpoint node is queued with the action, what goes to the body follows the privacy rule, and the body's news is
/// applied once.
@Suite struct Open311DispatchTests {
    /// Makes the Dinas an Open311 endpoint, its category mapped to the body's service "jalan".
    func makeEndpoint(_ world: World, sendsContacts: Bool = false) async throws {
        let map = "{\"\(world.categoryID)\": \"jalan\"}"
        try await world.app.db.sql.raw(
            """
            INSERT INTO open311_endpoints (institution_id, base_url, api_key, service_map, sends_contacts, created_at)
            VALUES (\(bind: world.dinas.id), 'http://127.0.0.1:9/open311/v2', 'kunci-dinas', \(bind: map), \(bind: sendsContacts),
                \(bind: world.app.tanggap.clock.now()))
            """
        ).run()
    }

    struct Dispatch: Decodable {
        let id: Int64
        let report_id: Int64
        let state: String
    }

    func dispatches(_ app: Application) async throws -> [Dispatch] {
        try await app.db.sql.raw("SELECT id, report_id, state FROM open311_dispatches ORDER BY id").all(decoding: Dispatch.self)
    }

    @Test func aDispatchToAnEndpointNodeIsQueuedWithTheActionAndEndsWhenTheReportLeaves() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            try await makeEndpoint(world)
            let report = try await world.dispatchedToDinas()
            let queued = try await dispatches(app)
            #expect(queued.map(\.state) == ["queued"])
            let jobs = try await app.db.sql.raw("SELECT kind, payload FROM jobs WHERE kind = \(bind: Open311Dispatch.jobKind)").all()
            let payload = try jobs.first?.decode(column: "payload", as: String.self)
            #expect(jobs.count == 1 && payload?.contains("\(queued[0].id)") == true)

            // Sent back up by the Dinas: no longer the body's to follow.
            try await world.must(.notOurAuthority, on: report.trackingID, by: world.liaison, ["reason": "Bukan kewenangan dinas ini."])
            #expect(try await dispatches(app).map(\.state) == ["ended"])
        }
    }

    @Test func theReporterGoesToTheBodyOnlyWhereAllowedAndNeverWhenAnonim() async throws {
        // (A rahasia report asks the body's own definition first; that needs the network, and is in the e2e tests.)
        try await withTestApp { app in
            let world = try await World.build(app)
            for (allowed, anonymous) in [(false, false), (true, true), (true, false)] {
                try await app.db.sql.raw("DELETE FROM open311_endpoints").run()
                try await makeEndpoint(world, sendsContacts: allowed)
                let submitted = try await world.submit(["reporter_email": "asep@warga.test", "is_anonymous": anonymous])
                let model = try #require(
                    try await ReportModel.query(on: app.db).filter(\.$trackingID == TrackingID(parsing: submitted.trackingID)!).first())
                let endpoint = try #require(try await Open311Endpoints.find(atNode: world.dinas.id, on: app.db))
                let form = Dictionary(try await Open311Dispatch.form(for: model, to: endpoint, context: app.tanggap, on: app.db)) { a, _ in
                    a
                }
                #expect(form["service_code"] == "jalan" && form["api_key"] == "kunci-dinas")
                #expect(form["description"]?.hasPrefix("Jalan berlubang di depan pasar Soreang\n\n") == true)
                #expect(form["address_string"] == "Jl. Raya Soreang")
                let named = allowed && !anonymous
                #expect((form["email"] != nil) == named && (form["first_name"] != nil) == named, "\(form.keys.sorted())")
                #expect(form["phone"] == nil || named)
            }
        }
    }

    @Test func theBodysNoteIsItsAnswerAppliedOnceAndAClosedRequestEndsTheFollowing() async throws {
        try await withTestApp { app in
            app.tanggap.mailer = RecordingMailer()
            let world = try await World.build(app)
            try await makeEndpoint(world)
            let report = try await world.dispatchedToDinas(["reporter_email": "asep@warga.test"])
            let dispatch = try #require(try await dispatches(app).first)
            try await app.db.sql.raw("UPDATE open311_dispatches SET state = 'sent', remote_id = 'CRM-1' WHERE id = \(bind: dispatch.id)")
                .run()
            func followed() async throws -> Open311Poller.Followed {
                try #require(
                    try await app.db.sql.raw("SELECT id, report_id, remote_id, remote_notes FROM open311_dispatches")
                        .first(decoding: Open311Poller.Followed.self))
            }
            func remote(_ json: String) throws -> Open311Poller.Remote {
                try JSONDecoder().decode(Open311Poller.Remote.self, from: Data(json.utf8))
            }
            func apply(_ json: String) async throws {
                try await Open311Poller.apply(
                    try remote(json), to: try await followed(), institutionID: world.dinas.id, context: app.tanggap,
                    now: app.tanggap.clock.now(), on: app.db, logger: Logger(label: "test"))
            }
            // Only a status: nothing for the reporter yet.
            try await apply(#"{"service_request_id": "CRM-1", "status": "open", "extended_status": "IN_PROGRESS"}"#)
            var stored = try #require(try await ReportModel.find(dispatch.report_id, on: app.db))
            #expect(stored.state == .dispatched)
            // A note: the body's answer, once, however often it is read again.
            for _ in 0..<3 {
                try await apply(#"{"service_request_id": "CRM-1", "status": "open", "status_notes": "Ditambal Kamis."}"#)
            }
            stored = try #require(try await ReportModel.find(dispatch.report_id, on: app.db))
            #expect(stored.state == .answered)
            let answers = try await ReportHistory.events(of: dispatch.report_id, on: app.db).filter { $0.kind == .answer }
            #expect(answers.count == 1 && answers[0].note == "Ditambal Kamis." && answers[0].channel == .open311)
            let sent = try await app.db.sql.raw("SELECT body FROM deliveries WHERE address = 'asep@warga.test'").all(
                decodingColumn: "body", as: String.self)
            #expect(sent.contains { $0.contains("Ditambal Kamis.") })
            // Closed: the following ends; the report waits for its reporter here, as after any answer.
            try await apply(#"{"service_request_id": "CRM-1", "status": "closed", "status_notes": "Ditambal Kamis."}"#)
            #expect(try await dispatches(app).map(\.state) == ["ended"])
            #expect(try await ReportModel.find(dispatch.report_id, on: app.db)?.state == .answered)
            _ = report
        }
    }

    @Test func notTheBodysResponsibilitySendsTheReportBackUp() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            try await makeEndpoint(world)
            _ = try await world.dispatchedToDinas()
            let dispatch = try #require(try await dispatches(app).first)
            try await app.db.sql.raw("UPDATE open311_dispatches SET state = 'sent', remote_id = '77' WHERE id = \(bind: dispatch.id)").run()
            let followed = try #require(
                try await app.db.sql.raw("SELECT id, report_id, remote_id, remote_notes FROM open311_dispatches")
                    .first(decoding: Open311Poller.Followed.self))
            let remote = try JSONDecoder().decode(
                Open311Poller.Remote.self,
                from: Data(#"{"service_request_id": 77, "status": "closed", "extended_status": "NOT_COUNCILS_RESPONSIBILITY"}"#.utf8))
            try await Open311Poller.apply(
                remote, to: followed, institutionID: world.dinas.id, context: app.tanggap, now: app.tanggap.clock.now(), on: app.db,
                logger: Logger(label: "test"))
            let stored = try #require(try await ReportModel.find(dispatch.report_id, on: app.db))
            #expect(stored.holderID == world.pemkab.id, "back at the level above")
            #expect(try await dispatches(app).map(\.state) == ["ended"])
        }
    }
}
