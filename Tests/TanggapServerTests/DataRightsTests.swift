import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import ZIPFoundation

@testable import TanggapCore
@testable import TanggapServer

/// The reporter's rights under UU PDP: everything they gave, taken away as one ZIP; an account erased from every
/// table while its reports and every count still add up; and retention that empties old closed reports.
@Suite struct DataRightsTests {
    typealias Browser = PageTests.Browser
    let pages = PageTests()

    static let name = "Ratna Kusumawardhani"
    static let email = "ratna.kusuma@warga.test"
    static let phone = "0812 9876 5432"
    /// What would give the person away, as it may be stored (a phone number normalised to +62…).
    static let needles = ["ratna", "kusumawardhani", "ratna.kusuma@warga.test", "81298765432"]

    struct Ratna {
        let person: Person
        let report: World.Submitted
        let otherReport: World.Submitted
    }

    /// Ratna files a report with a photo, which is dispatched, answered, confirmed and rated; she comments on it and
    /// Budi does too; staff add an internal note; she supports another report; she also files one by SMS.
    func ratnasHistory(_ app: Application, _ world: World) async throws -> Ratna {
        let user = try await AccountService.create(
            .init(name: Self.name, email: Self.email, password: World.password, phone: Self.phone), bcryptCost: 4,
            now: app.tanggap.clock.now(), on: app.db)
        let token = try await APITokens.issue(for: user.id, label: "ponsel", lifetime: 86_400, now: app.tanggap.clock.now(), on: app.db)
            .token
        let ratna = Person(user: user, token: token)
        var form = Multipart()
        for (key, value) in world.reportFields(["target_institution_id": world.pemkab.id]) where !key.hasPrefix("reporter_") {
            form.field(key, "\(value)")
        }
        form.file(
            "attachments[]", filename: "../../jalan rusak.jpg", contentType: "image/jpeg", data: try PhotoMetadataTests.photo("phone.jpg"))
        let filed = try await app.request(.POST, "/api/v1/reports", token: ratna.token, multipart: form)
        #expect(filed.status == .created, "\(filed.text)")
        let report = World.Submitted(trackingID: try filed.receipt.trackingID, secret: nil, reply: filed)
        try await world.must(.verify, on: report.trackingID, by: world.pemkabAdmin)
        try await world.must(.dispatch, on: report.trackingID, by: world.pemkabAdmin, ["institution_id": world.dinas.id])
        try await world.must(.note, on: report.trackingID, by: world.liaison, ["text": "CATATAN-INTERNAL tidak untuk pelapor"])
        try await world.must(.answer, on: report.trackingID, by: world.liaison, ["text": "Sudah ditambal pada hari Kamis."])
        try await world.must(.confirm, on: report.trackingID, by: ratna)
        try await world.must(.rate, on: report.trackingID, by: ratna, ["rating": "satisfied"])

        let reportID = try #require(try await ReportQueries.find(trackingID: TrackingID(parsing: report.trackingID)!, on: app.db)?.id)
        let now = app.tanggap.clock.now()
        try await Participation.addComment("Terima kasih, jalannya sudah mulus.", to: reportID, by: ratna.id, now: now, on: app.db)
        try await Participation.addComment(
            "KOMENTAR-BUDI saya juga lewat sana.", to: reportID, by: world.otherCitizen.id, now: now, on: app.db)
        let other = try await world.dispatchedToDinas()
        let otherID = try #require(try await ReportQueries.find(trackingID: TrackingID(parsing: other.trackingID)!, on: app.db)?.id)
        try await Participation.support(otherID, by: ratna.id, now: now, on: app.db)
        return Ratna(person: ratna, report: report, otherReport: other)
    }

    func unzip(_ data: Data) throws -> [String: Data] {
        let archive = try Archive(data: data, accessMode: .read)
        var files: [String: Data] = [:]
        for entry in archive {
            var content = Data()
            _ = try archive.extract(entry) { content.append($0) }
            files[entry.path] = content
        }
        return files
    }

    @Test func theExportHoldsEverythingOfThePersonAndNothingOfAnyoneElse() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let ratna = try await ratnasHistory(app, world)
            let reply = try await app.request(.GET, "/api/v1/me/export", token: ratna.person.token)
            #expect(reply.status == .ok && reply.headers.contentType?.subType == "zip")
            #expect(reply.headers.first(name: .cacheControl)?.contains("no-store") == true)
            let files = try unzip(reply.body)
            #expect(
                Set(files.keys).isSuperset(of: [
                    "account.json", "reports.json", "comments.json", "support.json", "ratings.json", "README.txt",
                ]))

            let account = try #require(try JSONSerialization.jsonObject(with: files["account.json"]!) as? [String: Any])
            #expect(account["email"] as? String == Self.email && account["name"] as? String == Self.name)
            #expect((account["phone"] as? String)?.hasSuffix("81298765432") == true)

            let reports = try #require(try JSONSerialization.jsonObject(with: files["reports.json"]!) as? [[String: Any]])
            #expect(reports.count == 1)
            let mine = try #require(reports.first)
            let report = try #require(mine["report"] as? [String: Any])
            #expect(report["tracking_id"] as? String == TrackingID(parsing: ratna.report.trackingID)?.display)
            #expect(report["rating"] as? String == "satisfied")
            let history = try #require(mine["history"] as? [[String: Any]])
            #expect(history.contains { $0["note"] as? String == "Sudah ditambal pada hari Kamis." })
            let comments = try #require(mine["comments"] as? [[String: Any]])
            #expect(comments.count == 2)
            #expect(comments.contains { $0["mine"] as? Bool == true && $0["author"] as? String == Self.name })
            #expect(
                comments.contains {
                    $0["mine"] as? Bool == false && $0["author"] == nil && ($0["body"] as? String)?.hasPrefix("KOMENTAR-BUDI") == true
                })

            // The photo is in it, as stored (without its metadata), under a name that stays inside the archive.
            let photoPaths = try #require(mine["files"] as? [String])
            #expect(photoPaths.count == 1 && photoPaths[0].hasPrefix("files/") && !photoPaths[0].contains(".."))
            let photo = try #require(files[photoPaths[0]])
            #expect(photo.range(of: Data("PLANTED".utf8)) == nil && photo.starts(with: [0xFF, 0xD8]))

            let own = try #require(try JSONSerialization.jsonObject(with: files["comments.json"]!) as? [[String: Any]])
            #expect(own.map { $0["body"] as? String } == ["Terima kasih, jalannya sudah mulus."])
            let supported = try #require(try JSONSerialization.jsonObject(with: files["support.json"]!) as? [[String: Any]])
            #expect(supported.map { $0["report"] as? String } == [TrackingID(parsing: ratna.otherReport.trackingID)?.display])
            let ratings = try #require(try JSONSerialization.jsonObject(with: files["ratings.json"]!) as? [[String: Any]])
            #expect(ratings.map { $0["rating"] as? String } == ["satisfied"])

            // Nothing of anyone else, and nothing only staff may read.
            let everything = files.values.reduce(Data(), +)
            for foreign in ["Budi", "budi@warga.test", "CATATAN-INTERNAL", "Penghubung PUPR", "penghubung@tanggap.test", "secret_digest"] {
                #expect(everything.range(of: Data(foreign.utf8)) == nil, "\(foreign) is not in the export")
            }
            #expect(try await app.request(.GET, "/api/v1/me/export").status == .unauthorized)
        }
    }

    /// Every text and blob cell of every table, lower-cased, with where it was found.
    func everyStoredText(_ app: Application) async throws -> [(String, String)] {
        let db = app.db.sql
        let tables: [String] =
            TestDatabase.postgresURL == nil
            ? try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all(decodingColumn: "name", as: String.self)
            : try await db.raw("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
                .all(decodingColumn: "table_name", as: String.self)
        var found: [(String, String)] = []
        for table in tables {
            for row in try await db.raw("SELECT * FROM \(ident: table)").all() {
                for column in row.allColumns {
                    if let text = try? row.decode(column: column, as: String?.self) {
                        found.append(("\(table).\(column)", text.lowercased()))
                    } else if let blob = try? row.decode(column: column, as: Data?.self) {
                        found.append(("\(table).\(column)", String(decoding: blob, as: UTF8.self).lowercased()))
                    }
                }
            }
        }
        return found
    }

    func count(_ app: Application, _ sql: SQLQueryString) async throws -> Int {
        try await app.db.sql.raw(sql).first(decodingColumn: "n", as: Int.self) ?? -1
    }

    /// Every stored count against a recount, and how many rows the history tables hold.
    func ledger(_ app: Application) async throws -> [Int] {
        [
            try await count(app, "SELECT COUNT(*) AS n FROM reports"),
            try await count(app, "SELECT COUNT(*) AS n FROM report_events"),
            try await count(app, "SELECT COUNT(*) AS n FROM attachments"),
            try await count(app, "SELECT COUNT(*) AS n FROM report_comments"),
            try await count(app, "SELECT COUNT(*) AS n FROM report_supports"),
            try await count(app, "SELECT CAST(COALESCE(SUM(support_count), 0) AS INTEGER) AS n FROM reports"),
            try await count(app, "SELECT CAST(COALESCE(SUM(comment_count), 0) AS INTEGER) AS n FROM reports"),
            try await count(
                app,
                "SELECT COUNT(*) AS n FROM reports r WHERE support_count <> (SELECT COUNT(*) FROM report_supports s WHERE s.report_id = r.id)"
            ),
        ]
    }

    @Test func erasingAnAccountLeavesNoTraceOfThePersonInAnyTableWhileEveryReportAndCountAddsUp() async throws {
        try await ChannelTests().withSMS { app, world in
            let ratna = try await ratnasHistory(app, world)
            let sms = try await ChannelTests().sms(app, id: "r-1", from: Self.phone, "LAPOR Lampu jalan di depan rumah saya mati")
            #expect(sms.status == .ok)
            #expect(try await everyStoredText(app).contains { $0.1.contains("81298765432") }, "the test plants what it looks for")
            let before = try await ledger(app)
            let tallies = try await FiguresTests().tallies(app)

            // A wrong password, or none, erases nothing; neither does a staff account.
            #expect(
                try await app.request(.DELETE, "/api/v1/me", token: ratna.person.token, json: ["password": "salah-sekali-123"]).status
                    == .unprocessableEntity)
            #expect(try await app.request(.DELETE, "/api/v1/me", token: ratna.person.token, json: [:]).status == .unprocessableEntity)
            let staff = try await app.request(.DELETE, "/api/v1/me", token: world.liaison.token, json: ["password": World.password])
            #expect(staff.status == .conflict && staff.errorCode == "staff_account_not_erasable")
            #expect(try await everyStoredText(app).contains { $0.1.contains("kusumawardhani") })

            let erased = try await app.request(.DELETE, "/api/v1/me", token: ratna.person.token, json: ["password": World.password])
            #expect(erased.status == .noContent, "\(erased.text)")

            let traces = try await everyStoredText(app).filter { cell in Self.needles.contains { cell.1.contains($0) } }
            #expect(traces.isEmpty, "left behind: \(traces.map(\.0))")
            #expect(try await ledger(app) == before, "every report, event, file, comment and support is still counted")
            #expect(try await FiguresTests().tallies(app) == tallies, "the public figures are unchanged")

            // The report stays, anonymous, and says what happened; the token and the password no longer work.
            let page = try await app.request(.GET, "/laporan/\(ratna.report.trackingID)")
            #expect(page.status == .ok && page.text.contains("Pelapor menghapus akunnya"))
            let shown = try await world.get("/api/v1/reports/\(ratna.report.trackingID)", as: world.pemkabAdmin).report
            #expect(shown.reporterErasedAt != nil && shown.reporter?.name == nil && shown.reporter?.email == nil)
            #expect(try await app.request(.GET, "/api/v1/me", token: ratna.person.token).status == .unauthorized)
            let signIn = try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": Self.email, "password": World.password])
            #expect(signIn.status == .unauthorized)
            // The address is free again: the person may come back as someone new.
            let again = try await app.request(
                .POST, "/api/v1/accounts", json: ["name": "Ratna Baru", "email": Self.email, "password": "kata-sandi-baru-456"])
            #expect(again.status == .created)
        }
    }

    @Test func theDataPageDownloadsAndErasesWithThePasswordAndTheBox() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var browser = try await pages.signedIn(app, world.citizen.user.email)
            let page = try await app.request(.GET, "/akun/data", headers: [browser.header])
            #expect(page.status == .ok && page.text.contains("action=\"/akun/hapus\""))
            let download = try await app.request(.GET, "/akun/data/unduh", headers: [browser.header])
            #expect(download.status == .ok)
            #expect(try unzip(download.body)["account.json"] != nil)
            #expect(download.headers.first(name: .contentDisposition)?.hasPrefix("attachment; filename=\"tanggap-data-") == true)

            func erase(_ fields: [String: String]) async throws -> Reply {
                var all = fields
                all["_csrf"] = browser.csrf(in: page)
                return try await app.request(
                    .POST, "/akun/hapus", headers: [browser.header], rawBody: pages.form(all),
                    contentType: "application/x-www-form-urlencoded")
            }
            let unticked = try await erase(["password": World.password])
            #expect(unticked.status == .unprocessableEntity && unticked.text.contains("class=\"field-error\""))
            let wrong = try await erase(["password": "<script>alert(1)</script>", "confirm": "on"])
            #expect(wrong.status == .unprocessableEntity && !wrong.text.contains("<script>alert"))
            #expect(try await app.request(.GET, "/api/v1/me", token: world.citizen.token).status == .ok, "nothing erased yet")
            let done = try await erase(["password": World.password, "confirm": "on"])
            #expect(done.status == .seeOther && done.headers.first(name: .location) == "/akun/dihapus")
            browser.keep(done)
            #expect(try await app.request(.GET, "/akun", headers: [browser.header]).status == .seeOther)
            #expect(try await app.request(.GET, "/api/v1/me", token: world.citizen.token).status == .unauthorized)
            // Staff see why they cannot, and no form.
            let staffPage = try await app.request(
                .GET, "/akun/data", headers: [try await pages.signedIn(app, world.liaison.user.email).header])
            #expect(staffPage.status == .ok && !staffPage.text.contains("action=\"/akun/hapus\""))
        }
    }

    @Test func retentionEmptiesOnlyReportsClosedLongerAgoAndRecordsHowMany() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock, configure: { $0.retentionDays = 30 }) { app in
            let world = try await World.build(app)
            let old = try await world.dispatchedToDinas(["reporter_name": "Nama Lama", "reporter_email": "lama@warga.test"])
            try await world.must(.answer, on: old.trackingID, by: world.liaison, ["text": "Selesai."])
            try await world.must(.confirm, on: old.trackingID, secret: old.secret)
            let open = try await world.dispatchedToDinas(["reporter_name": "Nama Terbuka", "reporter_email": "terbuka@warga.test"])
            clock.advance(by: 31 * 86_400)
            let recent = try await world.dispatchedToDinas(["reporter_name": "Nama Baru", "reporter_email": "baru@warga.test"])
            try await world.must(.answer, on: recent.trackingID, by: world.liaison, ["text": "Selesai."])
            try await world.must(.confirm, on: recent.trackingID, secret: recent.secret)
            let before = try await ledger(app)

            let worker = JobWorker(name: "test", context: app.tanggap, db: app.db, logger: app.logger, periodic: [Retention.task])
            _ = try await worker.runOnce()
            func reporter(_ report: World.Submitted) async throws -> String? {
                try await world.get("/api/v1/reports/\(report.trackingID)", as: world.pemkabAdmin).report.reporter?.name
            }
            #expect(try await reporter(old) == nil)
            #expect(try await reporter(open) == "Nama Terbuka", "still being handled")
            #expect(try await reporter(recent) == "Nama Baru", "closed too recently")
            #expect(try await everyStoredText(app).allSatisfy { !$0.1.contains("lama@warga.test") && !$0.1.contains("nama lama") })
            #expect(try await ledger(app) == before)
            let audit = try await AdminAudit.recent(under: world.national.path, on: app.db)
            #expect(audit.first?.action == "retention_erased" && audit.first?.details.contains("\"reports\":\"1\"") == true)
            // Nothing more to do: nothing recorded again.
            #expect(try await Retention.sweep(olderThan: 30, now: clock.now, on: app.db) == 0)
        }
    }
}
