import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import TanggapCore
@testable import TanggapServer

/// A retried POST files once: `Idempotency-Key` on the API, the one-time form key on the pages.
@Suite struct IdempotencyTests {
    func reportCount(_ app: Application) async throws -> Int { try await ReportModel.query(on: app.db).count() }

    func submit(
        _ app: Application, _ world: World, key: String, fields: [String: Any]? = nil, by person: Person? = nil
    )
        async throws -> Reply
    {
        try await app.request(
            .POST, "/api/v1/reports", token: person?.token, json: fields ?? world.reportFields(), headers: [("Idempotency-Key", key)])
    }

    @Test func theSameSubmissionSentTenTimesAtOnceAndTenTimesInTurnFilesOneReport() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let key = UUID().uuidString
            let together = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<10 { group.addTask { try await submit(app, world, key: key) } }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            let inTurn = try await Array(0..<10).asyncMap { _ in try await submit(app, world, key: key) }
            let replies = together + inTurn
            #expect(try await reportCount(app) == 1)
            #expect(replies.allSatisfy { $0.status == .created }, "\(replies.map(\.status))")
            #expect(Set(replies.map(\.body)).count == 1, "every answer is the first one, secret and all")
            #expect(try replies[0].receipt.secret != nil)
            #expect(Set(replies.map { $0.headers.first(name: .location) ?? "" }).count == 1)
            let replayed = replies.filter { $0.headers.first(name: "Idempotent-Replayed") == "true" }
            #expect(replayed.count == 19, "all but the one that ran say they are replays")

            // The same key with another request is refused and files nothing.
            let changed = try await submit(app, world, key: key, fields: world.reportFields(["title": "Lampu jalan padam di Soreang"]))
            #expect(changed.status == .unprocessableEntity && changed.errorCode == "idempotency_key_reused")
            #expect(try await reportCount(app) == 1)
            // Another key is another report.
            #expect(try await submit(app, world, key: UUID().uuidString).status == .created)
            #expect(try await reportCount(app) == 2)
        }
    }

    @Test func aMultipartRetryWithANewBoundaryIsTheSameRequest() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            func body() -> Multipart {
                var form = Multipart()
                for (name, value) in world.reportFields().sorted(by: { $0.key < $1.key }) { form.field(name, "\(value)") }
                form.file("attachments[]", filename: "lubang.png", contentType: "image/png", data: SampleFiles.png)
                return form
            }
            let first = try await app.request(.POST, "/api/v1/reports", multipart: body(), headers: [("Idempotency-Key", "abc-123")])
            let again = try await app.request(.POST, "/api/v1/reports", multipart: body(), headers: [("Idempotency-Key", "\"abc-123\"")])
            #expect(first.status == .created && again.status == .created, "\(first.text) \(again.text)")
            #expect(try first.receipt.trackingID == again.receipt.trackingID)
            #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(try await reportCount(app) == 1)
        }
    }

    @Test func aSecondServerOnTheSameDatabaseAnswersTheRetryAndKeysBelongToTheirClient() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let first = try await submit(app, world, key: "klien-1", by: world.citizen)
            try await withSecondServer(beside: app) { second in
                let again = try await submit(second, world, key: "klien-1", by: world.citizen)
                #expect(again.status == .created && again.body == first.body)
                #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
                let changed = try await submit(
                    second, world, key: "klien-1", fields: world.reportFields(["title": "Lain"]), by: world.citizen)
                #expect(changed.errorCode == "idempotency_key_reused")
                // Another account that happens to pick the same key files its own report.
                let other = try await submit(second, world, key: "klien-1", by: world.otherCitizen)
                #expect(other.status == .created && other.headers.first(name: "Idempotent-Replayed") == nil)
                #expect(try other.receipt.trackingID != first.receipt.trackingID)
            }
            #expect(try await reportCount(app) == 2)
        }
    }

    @Test func aRefusalIsNotKeptSoTheCorrectedRequestRunsUnderTheSameKey() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let refused = try await submit(app, world, key: "k-42", fields: world.reportFields(["title": ""]))
            #expect(refused.status == .unprocessableEntity && refused.errorCode == "validation_failed")
            let corrected = try await submit(app, world, key: "k-42")
            #expect(corrected.status == .created && corrected.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(try await reportCount(app) == 1)
        }
    }

    @Test func aKeyOfTheWrongShapeIsRefusedAndFilesNothing() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            for bad in ["", String(repeating: "k", count: 256), "kunci dengan spasi", "<script>alert(1)</script>\u{7F}", "\"\""] {
                let reply = try await submit(app, world, key: bad)
                #expect(reply.status == .badRequest && reply.errorCode == "idempotency_key_invalid", "\(bad)")
                #expect(reply.errorMessage?.contains("Idempotency-Key") == true)
            }
            #expect(try await reportCount(app) == 0)
            // Visible characters, SQL and a path among them, are a key like any other, up to 255 of them.
            let odd = "';DROP/**/TABLE/**/reports;--/../../etc/passwd"
            #expect(try await submit(app, world, key: odd).status == .created)
            #expect(try await submit(app, world, key: String(repeating: "k", count: 255)).status == .created)
            #expect(try await reportCount(app) == 2)
        }
    }

    @Test func aRetryWhileTheFirstStillRunsIsToldToComeBackAndAnAbandonedClaimLapses() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let first = try await submit(app, world, key: "lambat")
            // As if the first request were still running: its claim holds and nothing is kept yet.
            try await app.db.sql.update("idempotency_keys").set("outcome", to: SQLLiteral.null)
                .set("claimed_until", to: SQLBind(clock.now.addingTimeInterval(60))).run()
            let waiting = try await submit(app, world, key: "lambat")
            #expect(waiting.status == .conflict && waiting.errorCode == "idempotency_key_in_use")
            #expect(waiting.headers.first(name: .retryAfter) == "1")
            #expect(try await reportCount(app) == 1)
            // Its process died: once the claim lapses, a retry takes the key over and runs.
            clock.advance(by: 61)
            let retried = try await submit(app, world, key: "lambat")
            #expect(retried.status == .created && retried.headers.first(name: "Idempotent-Replayed") == nil)
            #expect(try retried.receipt.trackingID != first.receipt.trackingID)
        }
    }

    @Test func theKeptAnswerIsSealedAndForgottenAfterADay() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let first = try await submit(app, world, key: "rahasia", by: world.citizen)
            let receipt = try first.receipt
            let rows = try await app.db.sql.select().columns("lookup", "outcome").from("idempotency_keys").all()
            #expect(rows.count == 1)
            let lookup = try rows[0].decode(column: "lookup", as: String.self)
            let sealed = try rows[0].decode(column: "outcome", as: Data.self)
            #expect(!lookup.contains("rahasia"))
            for plain in [receipt.trackingID, "Asep Pelapor", "Jalan berlubang"] {
                #expect(sealed.range(of: Data(plain.utf8)) == nil, "\(plain) is not readable in the table")
            }
            clock.advance(by: 86_401)
            try await IdempotencyKeys.sweep(now: clock.now, on: app.db)
            let afterADay = try await submit(app, world, key: "rahasia", by: world.citizen)
            #expect(afterADay.status == .created)
            #expect(try afterADay.receipt.trackingID != receipt.trackingID)
        }
    }

    @Test func anActionRetriedOnTheAPIHappensOnce() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.submit(["target_institution_id": world.pemkab.id])
            try await world.must(.verify, on: report.trackingID, by: world.pemkabAdmin)
            var replies: [Reply] = []
            for _ in 0..<3 {
                replies.append(
                    try await app.request(
                        .POST, "/api/v1/reports/\(report.trackingID)/dispatch", token: world.pemkabAdmin.token,
                        json: ["institution_id": world.dinas.id], headers: [("Idempotency-Key", "kirim-1")]))
            }
            #expect(replies.allSatisfy { $0.status == .ok } && Set(replies.map(\.body)).count == 1, "\(replies.map(\.text))")
            let id = try #require(try await ReportModel.query(on: app.db).first()?.id)
            #expect(try await ReportHistory.events(of: id, on: app.db).filter { $0.kind == .dispatch }.count == 1)
        }
    }

    @Test func aFormPostedTwiceFilesOnceAndTheSecondAnswerStillShowsTheReceipt() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var browser = PageTests.Browser()
            let formPage = try await app.request(.GET, "/lapor")
            browser.keep(formPage)
            let formKey = try #require(
                formPage.text.range(of: "name=\"_form_key\" value=\"").map { String(formPage.text[$0.upperBound...].prefix(32)) })
            var fields = world.reportFields().mapValues { "\($0)" }
            fields["_csrf"] = browser.csrf(in: formPage)
            fields["_form_key"] = formKey
            let body = PageTests().form(fields)
            let post = {
                try await app.request(
                    .POST, "/lapor", headers: [browser.header], rawBody: body, contentType: "application/x-www-form-urlencoded")
            }
            let first = try await post()
            let second = try await post()
            #expect(first.status == .seeOther && second.status == .seeOther)
            #expect(first.headers.first(name: .location) == second.headers.first(name: .location))
            #expect(try await reportCount(app) == 1)
            // The browser that only saw the second answer still gets the secret shown once.
            var late = browser
            late.keep(second)
            let receipt = try await app.request(.GET, second.headers.first(name: .location)!, headers: [late.header])
            #expect(receipt.text.contains("id=\"secret\""))
            // A new rendering of the form has a new key.
            let again = try await app.request(.GET, "/lapor", headers: [browser.header])
            #expect(!again.text.contains(formKey))
        }
    }
}

/// A second server process on the same database and data folder, as behind a load balancer.
func withSecondServer(beside app: Application, _ body: (Application) async throws -> Void) async throws {
    var settings = app.tanggap.settings
    settings.migrateOnStart = false
    let second = try await Application.make(.testing)
    second.logger.logLevel = .warning
    do {
        try await configure(second, settings: settings, clock: app.tanggap.clock)
        try await body(second)
    } catch {
        try? await second.asyncShutdown()
        throw error
    }
    try await second.asyncShutdown()
}
