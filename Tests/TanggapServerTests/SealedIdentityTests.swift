import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// An anonim reporter's identity is sealed even to the roles that may know it: it opens only with a reason, for one
/// person and half an hour, and every opening is a record nobody can delete, shown to admins, counted in the weekly
/// review and told to the reporter.
@Suite struct SealedIdentityTests {
    let pages = PageTests()
    static let reason = "Pelapor menyebut ancaman terhadap dirinya; perlu dihubungi langsung oleh Ombudsman."

    func revealCount(_ app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM identity_reveals").first(decodingColumn: "n", as: Int.self) ?? -1
    }

    func csrfPost(_ app: Application, _ path: String, _ browser: PageTests.Browser, _ fields: [String: String]) async throws -> Reply {
        var fields = fields
        fields["_csrf"] = browser.cookies[CSRF.cookieName] ?? ""
        return try await app.request(
            .POST, path, headers: [browser.header], rawBody: pages.form(fields), contentType: "application/x-www-form-urlencoded")
    }

    @Test func theIdentityIsSealedUntilOpenedWithAReasonAndTheOpeningIsKeptShownAndCounted() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas([
                "is_anonymous": true, "reporter_name": "Wahyu Saksi", "reporter_phone": "081311112222",
            ])
            let id = report.trackingID
            let markers = ["Wahyu Saksi", "81311112222"]

            // Before: neither the JSON nor the workspace of the roles that may know the reporter holds the identity.
            for person in [world.nationalAdmin, world.oversight] {
                let json = try await world.get("/api/v1/reports/\(id)", as: person)
                #expect(json.status == .ok && json.json["identity_sealed"] as? Bool == true && json.json["reporter"] == nil)
                for marker in markers { #expect(!json.text.contains(marker), "\(person.user.email)") }
            }
            let oversightPages = try await pages.signedIn(app, "pengawas@tanggap.test")
            let sealedPage = try await app.request(.GET, "/kelola/laporan/\(id)", headers: [oversightPages.header]).text
            #expect(sealedPage.contains("id=\"open-identity\""))
            for marker in markers { #expect(!sealedPage.contains(marker)) }
            // The institution's own officers cannot open it at all.
            let liaisonPage = try await app.request(
                .GET, "/kelola/laporan/\(id)", headers: [try await pages.signedIn(app, "penghubung@tanggap.test").header])
            #expect(!liaisonPage.text.contains("open-identity"))

            // Bad reasons and the wrong people change nothing.
            for bad in ["", "   ", "perlu", String(repeating: "x", count: 1_001)] {
                let reply = try await world.openIdentity(of: id, by: world.oversight, reason: bad)
                #expect(reply.status == .unprocessableEntity, "\(bad.prefix(10))")
                #expect(reply.text.contains("\"field\":\"reason\""))
            }
            let wrongType = try await world.act(path: "identity-openings", on: id, by: world.oversight, ["reason": 42])
            #expect(wrongType.status == .unprocessableEntity && wrongType.text.contains("\"code\":\"invalid\""))
            for person in [world.liaison, world.pemkabAdmin, world.citizen] {
                #expect(try await world.openIdentity(of: id, by: person).status == .forbidden, "\(person.user.email)")
            }
            #expect(try await world.openIdentity(of: id, by: nil as Person?).status == .unauthorized)
            let refusedForm = try await csrfPost(app, "/kelola/laporan/\(id)/buka-identitas", oversightPages, ["identity_reason": "cek"])
            #expect(refusedForm.status == .unprocessableEntity && refusedForm.text.contains("field-error"))
            #expect(try await revealCount(app) == 0)

            // Opened, through the workspace form: the identity shows to the oversight officer, and to nobody else.
            let opened = try await csrfPost(
                app, "/kelola/laporan/\(id)/buka-identitas", oversightPages, ["identity_reason": "<script>alert(1)</script> " + Self.reason]
            )
            #expect(opened.status == .seeOther)
            let openPage = try await app.request(.GET, "/kelola/laporan/\(id)?selesai=identitas", headers: [oversightPages.header]).text
            #expect(openPage.contains("Wahyu Saksi") && openPage.contains("id=\"identity-openings\""))
            #expect(!openPage.contains("id=\"open-identity\""))
            #expect(try await world.get("/api/v1/reports/\(id)", as: world.oversight).json["reporter"] != nil)
            #expect(try await world.get("/api/v1/reports/\(id)", as: world.nationalAdmin).json["reporter"] == nil, "opened to one person")
            #expect(try await world.get("/api/v1/reports/\(id)", as: world.liaison).json["reporter"] == nil)
            // Lists never show an opened identity: only the report it was opened on.
            let listed = try await world.get("/api/v1/reports?limit=100", as: world.oversight)
            #expect(!listed.text.contains("Wahyu Saksi"))

            // The record: who, role, when, which report, why; on the admin page and in the weekly review.
            struct Stored: Decodable {
                let user_id: Int64
                let role: String
                let reason: String
            }
            let stored = try await app.db.sql.raw("SELECT user_id, role, reason FROM identity_reveals").all(decoding: Stored.self)
            #expect(stored.count == 1 && stored[0].user_id == world.oversight.id && stored[0].role == "oversight")
            #expect(stored[0].reason.hasSuffix(Self.reason))
            let admin = try await app.request(.GET, "/kelola/admin", headers: [try await pages.signedIn(app, "admin@tanggap.test").header])
                .text
            #expect(admin.contains("id=\"identity-reveals\"") && admin.contains("Pengawas") && admin.contains(Self.reason))
            #expect(admin.contains("&lt;script&gt;") && !admin.contains("<script>alert"), "the reason is shown as text")
            let review = try await app.request(
                .GET, "/kelola/tinjauan", headers: [try await pages.signedIn(app, "admin@tanggap.test").header]
            ).text
            #expect(review.contains("dibuka minggu ini: 1"))

            // The reporter sees that it was opened, when and under which role, never by whom.
            let mine = try await world.get("/api/v1/reports/\(id)", secret: report.secret)
            let openings = try #require(mine.json["identity_openings"] as? [[String: Any]])
            #expect(openings.count == 1 && openings[0]["role"] as? String == "oversight")
            #expect(!mine.text.contains("Pengawas") && !mine.text.contains("pengawas@"))
            #expect(try await world.get("/api/v1/reports/\(id)").json["identity_openings"] == nil, "the public is not told")
            var reporter = PageTests.Browser()
            reporter.keep(try await app.request(.GET, "/lacak"))
            let tracked = try await csrfPost(app, "/lacak", reporter, ["tracking_id": id, "secret": report.secret ?? ""])
            reporter.keep(tracked)
            let reporterPage = try await app.request(.GET, "/laporan/\(id)", headers: [reporter.header]).text
            #expect(reporterPage.contains("id=\"identity-openings\"") && reporterPage.contains("Identitas Anda pernah dibuka"))
            #expect(!reporterPage.contains(Self.reason), "the reason is for the record, not the page")

            // Half an hour later the identity is sealed again.
            clock.advance(by: IdentityReveal.lasts + 1)
            let later = try await world.get("/api/v1/reports/\(id)", as: world.oversight)
            #expect(later.json["reporter"] == nil && later.json["identity_sealed"] as? Bool == true)
        }
    }

    @Test func theRecordCannotBeChangedOrDeleted() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas(["is_anonymous": true])
            #expect(try await world.openIdentity(of: report.trackingID, by: world.nationalAdmin).status == .created)
            await #expect(throws: (any Error).self) { try await app.db.sql.raw("DELETE FROM identity_reveals").run() }
            await #expect(throws: (any Error).self) { try await app.db.sql.raw("UPDATE identity_reveals SET reason = 'x'").run() }
            for method in [HTTPMethod.DELETE, .PUT, .PATCH] {
                let reply = try await app.request(
                    method, "/api/v1/reports/\(report.trackingID)/identity-openings", token: world.nationalAdmin.token)
                #expect(reply.status == .notFound || reply.status == .methodNotAllowed, "\(method)")
            }
            #expect(try await revealCount(app) == 1)
        }
    }
}
