import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// The attacker's probes of an anonim reporter's identity and of the accounts that see identities, one test per
/// finding: each failed before its fix.
@Suite struct AnonymityTests {
    let pages = PageTests()
    static let fullView = ReportAccess(level: .staff, seesReporterIdentity: true)

    func model(_ app: Application, _ trackingID: String) async throws -> ReportModel {
        let id = try #require(TrackingID(parsing: trackingID))
        return try #require(try await ReportQueries.find(trackingID: id, on: app.db))
    }

    func post(
        _ app: Application, _ path: String, _ browser: PageTests.Browser, _ fields: [String: String] = [:],
        headers extra: [(String, String)] = []
    ) async throws -> Reply {
        var fields = fields
        fields["_csrf"] = browser.cookies[CSRF.cookieName] ?? ""
        return try await app.request(
            .POST, path, headers: [browser.header] + extra, rawBody: pages.form(fields),
            contentType: "application/x-www-form-urlencoded")
    }

    // 1. "Laporan lain dari pelapor ini"
    @Test func theWorkspaceListsNoOtherReportWhoseReporterTheViewerMayNotKnowAndContactsLinkNothing() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let byAccount: [String: Any] = [
                "target_institution_id": world.pemkab.id, "reporter_name": NSNull(), "reporter_phone": NSNull(),
            ]
            let named = try await world.submit(byAccount, by: world.citizen)
            let otherNamed = try await world.submit(byAccount, by: world.citizen)
            let anonim = try await world.submit(byAccount.merging(["is_anonymous": true]) { $1 }, by: world.citizen)
            let regency = try await pages.signedIn(app, "admin.bandung@tanggap.test")
            let page = sameReporterSection(
                try await app.request(.GET, "/kelola/laporan/\(named.trackingID)", headers: [regency.header]).text)
            #expect(page.contains(otherNamed.trackingID), "a named report of the same account is listed")
            #expect(!page.contains(anonim.trackingID), "the anonim one is not: the regency may not know who filed it")
            let national = try await pages.signedIn(app, "admin@tanggap.test")
            #expect(
                !sameReporterSection(
                    try await app.request(.GET, "/kelola/laporan/\(named.trackingID)", headers: [national.header]).text
                ).contains(anonim.trackingID),
                "the national admin may know the anonim reporter, but only by opening that report's sealed identity")

            // Bait: anyone can file with a suspect's phone number; it links the bait to nothing.
            let suspect = try await world.submit([
                "target_institution_id": world.pemkab.id, "is_anonymous": true, "reporter_phone": "081299990000",
            ])
            let bait = try await world.submit(["target_institution_id": world.pemkab.id, "reporter_phone": "081299990000"])
            for browser in [regency, national] {
                let baited = try await app.request(.GET, "/kelola/laporan/\(bait.trackingID)", headers: [browser.header]).text
                #expect(baited.contains("Jalan berlubang") && !sameReporterSection(baited).contains(suspect.trackingID))
                // The look-alikes (same words, same region) list cases by what they say, with nothing of who filed them.
                let alike = lookAlikes(baited)
                #expect(alike.contains(suspect.trackingID) && !alike.contains("081299990000") && !alike.contains("Anonim"), "\(alike)")
            }
        }
    }

    /// The workspace's "other reports of this reporter" list, where a link would tie reporters together. (The
    /// look-alike cases, listed by their words, are another section and name no reporter.)
    func sameReporterSection(_ page: String) -> String {
        guard let start = page.range(of: "Laporan lain dari pelapor ini") else { return "" }
        return String(page[start.upperBound...].split(separator: "</ul>", maxSplits: 1).first ?? "")
    }

    func lookAlikes(_ page: String) -> String {
        guard let start = page.range(of: "id=\"look-alikes\"") else { return "" }
        return String(page[start.upperBound...].split(separator: "</ul>", maxSplits: 1).first ?? "")
    }

    // 2. The delivery log
    @Test func theDeliveryLogHidesTheAddressOfAnAnonimReporter() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            for anonim in [true, false] {
                let report = try await world.dispatchedToDinas(["is_anonymous": anonim, "reporter_phone": "081277776666"])
                let id = try await model(app, report.trackingID).id!
                try await Deliveries.enqueue(
                    OutboundMessage(channel: .sms, address: "+6281277776666", body: "Laporan Anda diteruskan."),
                    reportID: id, now: app.tanggap.clock.now(), on: app.db)
                for person in [world.liaison, world.technician, world.pemkabAdmin, world.nationalAdmin] {
                    let reply = try await world.get("/api/v1/reports/\(report.trackingID)/deliveries", as: person)
                    #expect(reply.status == .ok)
                    #expect(reply.text.contains("6281277776666") == !anonim, "anonim=\(anonim) \(person.user.email)")
                    #expect(reply.text.contains("Laporan Anda diteruskan."))
                }
                if anonim {
                    // The national admin may know the reporter, once the sealed identity is opened with a reason.
                    #expect(try await world.openIdentity(of: report.trackingID, by: world.nationalAdmin).status == .created)
                    let opened = try await world.get("/api/v1/reports/\(report.trackingID)/deliveries", as: world.nationalAdmin)
                    #expect(opened.text.contains("6281277776666"))
                    let liaison = try await world.get("/api/v1/reports/\(report.trackingID)/deliveries", as: world.liaison)
                    #expect(!liaison.text.contains("6281277776666"), "opened to the admin alone")
                }
            }
        }
    }

    // 3 and 10. The moderation queue, and flags that weigh by account
    @Test func theModerationQueueKeepsAnAnonimReporterAnonymousAndFreshAccountsCannotHideAComment() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.submit(
                [
                    "target_institution_id": world.pemkab.id, "is_anonymous": true,
                    "reporter_name": NSNull(), "reporter_phone": NSNull(),
                ], by: world.citizen)
            try await world.must(.verify, on: report.trackingID, by: world.pemkabAdmin)
            let reportID = try await model(app, report.trackingID).id!
            let now = app.tanggap.clock.now()
            try await Participation.addComment("Masih berlubang sampai hari ini.", to: reportID, by: world.citizen.id, now: now, on: app.db)
            let commentID = try #require(try await Participation.comments(of: reportID, on: app.db).first?.id)

            // Three accounts made today: their flags weigh nothing.
            var fresh: [Person] = []
            for n in 0..<3 {
                let user = try await AccountService.create(
                    .init(name: "Akun Baru \(n)", email: "baru\(n)@contoh.id", password: World.password), bcryptCost: 4, now: now,
                    on: app.db)
                fresh.append(Person(user: user, token: ""))
            }
            for person in fresh { _ = try await Participation.flag(commentID, by: person.id, now: now, on: app.db) }
            #expect(try await Participation.comments(of: reportID, on: app.db).count == 1, "three fresh accounts hide nothing")

            // Established accounts hide it; the queue names the author "the reporter", whoever moderates.
            let later = now.addingTimeInterval(40 * 86_400)
            for person in [world.otherCitizen, world.liaison, world.technician] {
                _ = try await Participation.flag(commentID, by: person.id, now: later, on: app.db)
            }
            #expect(try await Participation.comments(of: reportID, on: app.db).isEmpty)
            for email in ["admin@tanggap.test", "admin.bandung@tanggap.test"] {
                let queue = try await app.request(.GET, "/kelola/komentar", headers: [try await pages.signedIn(app, email).header]).text
                #expect(queue.contains("Masih berlubang") && !queue.contains("Siti Warga") && queue.contains("Pelapor"), "\(email)")
            }
        }
    }

    @Test func flaggingIsLimitedPerAccount() async throws {
        try await withTestApp(configure: { $0.rateLimits.flagsPerMinute = 2 }) { app in
            let world = try await World.build(app)
            let report = try await world.submit(["target_institution_id": world.pemkab.id])
            try await world.must(.verify, on: report.trackingID, by: world.pemkabAdmin)
            let reportID = try await model(app, report.trackingID).id!
            for n in 0..<3 {
                try await Participation.addComment(
                    "Komentar \(n)", to: reportID, by: world.citizen.id, now: app.tanggap.clock.now(), on: app.db)
            }
            let ids = try await Participation.comments(of: reportID, on: app.db).map(\.id)
            let browser = try await pages.signedIn(app, "budi@warga.test")
            var statuses: [HTTPStatus] = []
            for id in ids { statuses.append(try await post(app, "/komentar/\(id)/laporkan", browser).status) }
            #expect(statuses == [.seeOther, .seeOther, .tooManyRequests])
        }
    }

    // 4. Files of a report that stops being public
    @Test func aPublicFileIsNeverKeptByASharedCacheAndIsGoneOnceTheReportIsUnpublished() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var form = Multipart()
            for (key, value) in world.reportFields(["target_institution_id": world.pemkab.id]) { form.field(key, "\(value)") }
            form.file("attachments[]", filename: "bukti.png", contentType: "image/png", data: SampleFiles.png)
            let filed = try await app.request(.POST, "/api/v1/reports", multipart: form)
            let id = try filed.receipt.trackingID
            try await world.must(.verify, on: id, by: world.pemkabAdmin)
            let report = try await world.get("/api/v1/reports/\(id)")
            let url = try #require(try report.report.attachments?.first?.url)
            let file = try await world.get(url)
            #expect(file.status == .ok)
            let cache = file.headers.first(name: .cacheControl) ?? ""
            #expect(!cache.contains("public") && !cache.contains("max-age") && cache.contains("no-cache"), "\(cache)")
            let etag = try #require(file.headers.first(name: .eTag))
            #expect(try await app.request(.GET, url, headers: [("If-None-Match", etag)]).status == .notModified)

            try await world.must(.archive, on: id, by: world.pemkabAdmin, ["archive_reason": "spam"])
            #expect(try await app.request(.GET, url, headers: [("If-None-Match", etag)]).status == .notFound)
            #expect(try await world.get(url).status == .notFound)
        }
    }

    // 5. Tokens after a password change
    @Test func aChangedPasswordRevokesEveryTokenAndSessionOfTheAccount() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            #expect(try await world.get("/api/v1/reports?mine=true", as: world.citizen).status == .ok)
            let session = try await pages.signedIn(app, "siti@warga.test")
            try await AccountService.changePassword(
                of: world.citizen.id, current: World.password, new: "kata-sandi-baru-456", bcryptCost: 4, now: app.tanggap.clock.now(),
                on: app.db)
            #expect(try await world.get("/api/v1/reports?mine=true", as: world.citizen).status == .unauthorized)
            #expect(try await app.request(.GET, "/akun", headers: [session.header]).status == .seeOther)
            #expect(try await world.get("/api/v1/reports?mine=true", as: world.liaison).status == .ok, "other accounts keep theirs")
        }
    }

    // 6. Sign-in timing
    @Test func anUnknownEmailCostsTheSameHashingAsAKnownOne() throws {
        for cost in [4, 10, 12] {
            #expect(AccountService.decoyHash(cost: cost).hasPrefix(String(format: "$2b$%02d$", cost)))
        }
    }

    // 7. Guessing secrets through the API
    @Test func offeredSecretsAreRateLimitedOnTheAPI() async throws {
        try await withTestApp(configure: { $0.rateLimits.secretChecksPerMinute = 3 }) { app in
            let world = try await World.build(app)
            let report = try await world.submit()
            var statuses: [HTTPStatus] = []
            for n in 0..<4 {
                statuses.append(try await world.get("/api/v1/reports/\(report.trackingID)", secret: "AAAA-BBBB-CCCC-DDD\(n)").status)
            }
            #expect(statuses == [.notFound, .notFound, .notFound, .tooManyRequests])
            #expect(
                try await world.get("/api/v1/reports/\(report.trackingID)", secret: report.secret).status == .tooManyRequests,
                "even the right secret waits: a guesser cannot tell")
        }
    }

    // 8. Cross-site requests riding a session
    @Test func aStateChangingRequestFromAnotherSiteIsRefusedEvenWithTheToken() async throws {
        try await withTestApp { app in
            _ = try await World.build(app)
            let browser = try await pages.signedIn(app, "siti@warga.test")
            for headers in [
                [("Origin", "https://jahat.example")], [("Sec-Fetch-Site", "cross-site")], [("Origin", "null")],
                [("Sec-Fetch-Site", "same-site")],
            ] {
                let reply = try await post(app, "/keluar", browser, headers: headers)
                #expect(reply.status == .forbidden, "\(headers)")
            }
            #expect(try await app.request(.GET, "/akun", headers: [browser.header]).status == .ok, "still signed in")
            let same = try await post(
                app, "/keluar", browser, headers: [("Origin", "http://127.0.0.1:8080"), ("Sec-Fetch-Site", "same-origin")])
            #expect(same.status == .seeOther)
        }
    }

    // 9. Roles narrowed to what they need
    @Test func anInstitutionThatDeclinedAndAnOperatorReadNothingOfTheReport() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas(["is_confidential": true])
            #expect(try await world.get("/api/v1/reports/\(report.trackingID)", as: world.liaison).status == .ok)
            #expect(
                try await world.get("/api/v1/reports/\(report.trackingID)", as: world.channelOperator).status == .notFound,
                "an operator types reports in; reading the regency's rahasia reports is not part of it")
            try await world.must(
                .notOurAuthority, on: report.trackingID, by: world.liaison, ["reason": "Jalan provinsi, bukan kabupaten."])
            #expect(try await world.get("/api/v1/reports/\(report.trackingID)", as: world.liaison).status == .notFound)
            #expect(try await world.get("/api/v1/reports/\(report.trackingID)", as: world.technician).status == .notFound)
            #expect(
                try await world.get("/api/v1/reports/\(report.trackingID)", as: world.pemkabAdmin).status == .ok,
                "the regency holds it again")
            let inbox = try await world.get("/api/v1/reports", as: world.liaison)
            #expect(!inbox.text.contains(report.trackingID))
            // Sent back down, the unit reads it again.
            try await world.must(.dispatch, on: report.trackingID, by: world.pemkabAdmin, ["institution_id": world.dinas.id])
            #expect(try await world.get("/api/v1/reports/\(report.trackingID)", as: world.liaison).status == .ok)
        }
    }

    // 11. The receipt's secret, shown once, never kept in plain text
    @Test func theReceiptShowsTheSecretOnceAndTheBrowserKeepsOnlyAPass() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var browser = PageTests.Browser()
            let formPage = try await app.request(.GET, "/lapor")
            browser.keep(formPage)
            var fields = world.reportFields().mapValues { "\($0)" }
            fields["_csrf"] = browser.csrf(in: formPage)
            let sent = try await app.request(
                .POST, "/lapor", headers: [browser.header], rawBody: pages.form(fields),
                contentType: "application/x-www-form-urlencoded")
            #expect(sent.status == .seeOther)
            browser.keep(sent)
            let location = try #require(sent.headers.first(name: .location))
            let first = try await app.request(.GET, location, headers: [browser.header])
            browser.keep(first)
            let secret = try #require(first.text.range(of: "id=\"secret\">").map { String(first.text[$0.upperBound...].prefix(19)) })
            #expect(ReporterSecret.canonical(secret) != nil, "\(secret)")
            let canonical = ReporterSecret.canonical(secret)!
            #expect(browser.cookies.values.allSatisfy { !$0.contains(canonical) }, "no cookie keeps the secret after it was shown")
            let second = try await app.request(.GET, location, headers: [browser.header]).text
            #expect(!second.contains(secret) && second.contains("secret-kept"))
            // The pass still opens the report in this browser.
            let trackingID = String(location.split(separator: "/").last!)
            let page = try await app.request(.GET, "/laporan/\(trackingID)", headers: [browser.header])
            #expect(page.status == .ok && page.text.contains("Asep Pelapor"), "the reporter sees their own name")
        }
    }

    // 12. The rate limiter when full, CSV in an Indonesian spreadsheet, HSTS
    @Test func aFullRateLimiterForgetsTheOldestNotEveryone() {
        let limiter = RateLimiter(maxKeys: 50)
        var now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(limiter.take("secret:attacker", perMinute: 1, now: now) == nil)
        for n in 0..<500 {
            now += 0.01
            _ = limiter.take("secret:10.0.\(n / 256).\(n % 256)", perMinute: 1, now: now)
            if n % 20 == 0 { #expect(limiter.take("secret:attacker", perMinute: 1, now: now) != nil, "still limited after \(n) addresses") }
        }
    }

    @Test func csvQuotesSemicolons() {
        #expect(CSVWriter.cell("Dinas PU; Bidang Jalan") == "\"Dinas PU; Bidang Jalan\"")
        #expect(CSVWriter.line(["a;b", "c"]) == "\"a;b\",c\r\n")
    }

    @Test func strictTransportCoversSubdomainsOnlyWhenAskedTo() async throws {
        for subdomains in [false, true] {
            try await withTestApp(configure: {
                $0.secureCookies = true
                $0.strictTransportSubdomains = subdomains
            }) { app in
                let header = try await app.request(.GET, "/healthz").headers.first(name: "Strict-Transport-Security") ?? ""
                #expect(header.hasPrefix("max-age=31536000") && header.contains("includeSubDomains") == subdomains)
            }
        }
    }
}

/// The reporter's columns are reachable from one place: `ReportModel` keeps them private behind
/// `reporter(for:)`. A new query that names them anywhere else fails here, so it is seen and justified.
@Suite struct ReporterColumnsTests {
    /// The only files that may name a reporter column, and why.
    static let allowed: [String: String] = [
        "TanggapServer/Models/ReportModel.swift": "the columns themselves, private, behind reporter(for:)",
        "TanggapServer/Reports/NewRows.swift": "the insert of a new report row",
        "TanggapServer/Migrations/M0004_CreateReports.swift": "the table",
        "TanggapServer/Migrations/M0017_IndexReporterLookups.swift": "an index",
        "TanggapServer/Generator/SyntheticReport.swift": "bulk synthetic rows, written, never read",
        "TanggapCore/Intake/ReportSubmission.swift": "names of the fields a submission sends (the API's body and the portal's form)",
        "TanggapCore/Intake/Intake.swift": "names of the fields in validation errors",
        "TanggapServer/Open311/Open311ErrorMiddleware.swift": "intake's names of fields in validation errors, told in Open311's names",
        "TanggapServer/Office/ListExport.swift": "the CSV's column headings; the cells come from reporter(for:)",
        "TanggapServer/Accounts/AccountErasure.swift":
            "erasure and retention empty the columns, and read the addresses only to empty the messages sent to them",
        "TanggapServer/Federation/FederationEvent.swift":
            "the hand-over's field for a reporter's name, filled only from ReportModel.nameForHandover (never for an anonim report)",
    ]

    @Test func noOtherSourceFileNamesAReporterColumn() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        var naming: [String] = []
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            guard ["reporter_name", "reporter_email", "reporter_phone"].contains(where: text.contains) else { continue }
            naming.append(String(file.standardized.path.dropFirst(sources.path.count + 1)))
        }
        #expect(naming.count > 3, "the scan found the sources")
        #expect(Set(naming).subtracting(Self.allowed.keys).isEmpty, "\(Set(naming).subtracting(Self.allowed.keys))")
    }
}

/// 13. Inbound e-mail: `From:` alone proves nothing.
@Suite struct EmailSenderProofTests {
    @Test func aReplyAddressCarriesItsReportAndAnUnguessableToken() throws {
        var generator = SystemRandomNumberGenerator()
        let id = TrackingID.generate(using: &generator), other = TrackingID.generate(using: &generator)
        let address = try #require(EmailSenderProof.replyAddress(for: id, from: "lapor@pemda.go.id", key: "k1"))
        #expect(address.hasPrefix("lapor+\(id.value)-") && address.hasSuffix("@pemda.go.id"))
        #expect(EmailSenderProof.addressedReport(recipients: ["x@y.id", address], key: "k1") == id)
        #expect(EmailSenderProof.addressedReport(recipients: [address], key: "another secret") == nil)
        let forged = address.replacingOccurrences(of: id.value, with: other.value)
        #expect(
            EmailSenderProof.addressedReport(recipients: [forged, "lapor+\(id.value)@pemda.go.id", "lapor@pemda.go.id"], key: "k1") == nil)
    }

    @Test func onlyAnAlignedVerdictOfTheGatewayVouchesForTheSender() {
        let from = "siti@contoh.id"
        #expect(
            EmailSenderProof.isAligned(authenticationResults: "mx.pemda.go.id; dkim=pass header.d=contoh.id; spf=fail", fromAddress: from))
        #expect(EmailSenderProof.isAligned(authenticationResults: "mx; spf=pass smtp.mailfrom=bounce@contoh.id", fromAddress: from))
        #expect(EmailSenderProof.isAligned(authenticationResults: "mx; dmarc=pass header.from=contoh.id", fromAddress: from))
        #expect(
            !EmailSenderProof.isAligned(authenticationResults: "mx; dkim=pass header.d=jahat.example", fromAddress: from), "not aligned")
        #expect(!EmailSenderProof.isAligned(authenticationResults: "mx; dkim=fail header.d=contoh.id; spf=softfail", fromAddress: from))
        #expect(!EmailSenderProof.isAligned(authenticationResults: nil, fromAddress: from))
    }

    @Test func aForgedFromChangesNothingAndTheReportsReplyAddressActs() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let filed = InboundMessage(
                channel: .email, sender: "siti@contoh.id", senderName: "Siti", text: "Jalan di depan SD rusak parah sejak bulan lalu.",
                subject: "Jalan rusak di depan SD", gatewayID: "<m1@contoh.id>")
            #expect(try await Conversation.handle(filed, context: app.tanggap, on: app.db) == .report)
            let report = try #require(try await ReportModel.query(on: app.db).filter(\.$channel == .email).first())
            let id = report.trackingID
            try await world.must(.verify, on: id.display, by: world.nationalAdmin)
            try await world.must(.hold, on: id.display, by: world.nationalAdmin, ["question": "Di sebelah mana?"])
            func replies() async throws -> Int {
                try await ReportEventModel.query(on: app.db).filter(\.$reportID == report.id!).filter(\.$kind == .reply).count()
            }
            var forged = InboundMessage(
                channel: .email, sender: "siti@contoh.id", senderName: "Siti", text: "Saya tarik laporannya.",
                subject: "Re: [Tanggap \(id.display)] Jalan rusak", gatewayID: "<m2@jahat.example>")
            forged.senderProven = false
            #expect(try await Conversation.handle(forged, context: app.tanggap, on: app.db) == .refused)
            #expect(try await replies() == 0)

            var genuine = InboundMessage(
                channel: .email, sender: "siti@contoh.id", senderName: "Siti", text: "Di depan gerbang SD.",
                subject: "Re: pertanyaan", gatewayID: "<m3@contoh.id>")
            genuine.senderProven = false
            genuine.addressedReport = id
            #expect(try await Conversation.handle(genuine, context: app.tanggap, on: app.db) == .reply)
            #expect(try await replies() == 1)
        }
    }
}
