import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Two-step sign-in: the codes (RFC 6238), enrolment through the page, the gate that lets a person who must enrol
/// do nothing else, the second step at `/masuk/kode` and for API tokens, recovery codes, and an admin's reset.
@Suite struct SecondFactorTests {
    typealias Browser = PageTests.Browser
    let pages = PageTests()

    /// RFC 6238 appendix B (SHA-1, the 20-byte ASCII secret), each value's last six digits.
    @Test(
        arguments: [
            (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
            (2_000_000_000, "279037"), (20_000_000_000, "353130"),
        ] as [(Double, String)])
    func codesMatchTheRFCsTestVectors(_ time: Double, _ expected: String) {
        let secret = Array("12345678901234567890".utf8)
        let date = Date(timeIntervalSince1970: time)
        #expect(TOTP.code(secret: secret, counter: TOTP.counter(at: date)) == expected)
        #expect(TOTP.matchingStep(expected, secret: secret, at: date, after: nil) == TOTP.counter(at: date))
        // One step either side is forgiven; two is not; a used step is never taken again.
        #expect(TOTP.matchingStep(expected, secret: secret, at: date.addingTimeInterval(30), after: nil) != nil)
        #expect(TOTP.matchingStep(expected, secret: secret, at: date.addingTimeInterval(-30), after: nil) != nil)
        #expect(TOTP.matchingStep(expected, secret: secret, at: date.addingTimeInterval(90), after: nil) == nil)
        #expect(TOTP.matchingStep(expected, secret: secret, at: date, after: TOTP.counter(at: date)) == nil)
    }

    @Test func badCodesAreNeverMatched() {
        let secret = TOTP.newSecret()
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        for typed in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "<script>", "' OR 1=1 --", String(repeating: "9", count: 10_000)] {
            #expect(TOTP.matchingStep(typed, secret: secret, at: now, after: nil) == nil, "\(typed.prefix(20))")
        }
        let right = TOTP.code(secret: secret, counter: TOTP.counter(at: now))
        #expect(TOTP.matchingStep(" \(right.prefix(3)) \(right.suffix(3)) ", secret: secret, at: now, after: nil) != nil)
    }

    @Test func base32IsRFC4648AndForgivesHowPeopleTypeIt() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("mzxw 6ytb-oi======") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil, "1 is not in the alphabet")
        let secret = TOTP.newSecret()
        #expect(Base32.decode(Base32.encode(secret)) == secret && Base32.encode(secret).count == 32)
        let uri = TOTP.provisioningURI(secret: secret, account: "a+b@x.test", issuer: "Tanggap (lapor.go.id)")
        #expect(uri.hasPrefix("otpauth://totp/Tanggap%20%28lapor.go.id%29:a%2Bb%40x.test?secret=\(Base32.encode(secret))&issuer="))
    }

    func storedSecret(of person: Person, on db: any Database) async throws -> [UInt8] {
        let stored = try await db.sql.raw("SELECT secret FROM second_factors WHERE user_id = \(bind: person.id)")
            .first(decodingColumn: "secret", as: String.self)
        return try #require(stored.flatMap(Base32.decode))
    }

    /// A new admin: a role that must have a second factor, not yet enrolled.
    func newAdmin(_ app: Application, _ world: World, email: String = "admin.baru@tanggap.test") async throws -> Person {
        let now = app.tanggap.clock.now()
        let user = try await AccountService.create(
            .init(
                name: "Admin Baru", email: email, password: World.password, institutionID: world.pemkab.id,
                roles: [(.institutionAdmin, world.pemkab.id)]),
            bcryptCost: 4, now: now, on: app.db)
        let token = try await APITokens.issue(for: user.id, label: "lama", lifetime: 86_400, now: now, on: app.db).token
        return Person(user: user, token: token)
    }

    func post(
        _ app: Application, _ path: String, _ browser: inout Browser, from page: Reply, _ fields: [String: String]
    ) async throws
        -> Reply
    {
        var all = fields
        all["_csrf"] = browser.csrf(in: page)
        let reply = try await app.request(
            .POST, path, headers: [browser.header], rawBody: pages.form(all), contentType: "application/x-www-form-urlencoded")
        browser.keep(reply)
        return reply
    }

    func passwordOnly(_ app: Application, _ email: String) async throws -> (Browser, Reply) {
        var browser = Browser()
        let page = try await app.request(.GET, "/masuk")
        browser.keep(page)
        let reply = try await post(
            app, "/masuk", &browser, from: page, ["email": email, "password": World.password, "next": "/kelola/admin"])
        return (browser, reply)
    }

    @Test func untilEnrolledAPersonWhoMustHaveASecondFactorCanDoNothingElse() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let report = try await world.submit(["target_institution_id": world.pemkab.id])
            let admin = try await newAdmin(app, world)

            // The API: every call refused, the old token included, and no new token before enrolling.
            for path in ["/api/v1/me", "/api/v1/reports", "/api/v1/reports/\(report.trackingID)"] {
                let reply = try await app.request(.GET, path, token: admin.token)
                #expect(reply.status == .forbidden && reply.errorCode == "second_factor_required", "\(path)")
            }
            let refused = try await app.request(
                .POST, "/api/v1/auth/tokens", json: ["email": admin.user.email, "password": World.password])
            #expect(refused.status == .forbidden && refused.errorCode == "second_factor_required")

            // The pages: the password alone signs in, and every page but enrolment sends the person there.
            var (browser, signedIn) = try await passwordOnly(app, admin.user.email)
            #expect(signedIn.status == .seeOther && signedIn.headers.first(name: .location) == "/kelola/admin")
            for path in [
                "/kelola", "/kelola/admin", "/kelola/laporan/\(report.trackingID)", "/", "/akun", "/laporan-saya", "/kelola/kotak",
            ] {
                let reply = try await app.request(.GET, path, headers: [browser.header])
                #expect(reply.status == .seeOther && reply.headers.first(name: .location) == "/akun/dua-langkah", "\(path)")
            }
            let action = try await app.request(.POST, "/kelola/admin/templat", headers: [browser.header], rawBody: "title=x&body=y")
            #expect(action.status == .seeOther && action.headers.first(name: .location) == "/akun/dua-langkah")

            // Enrolment: a QR code drawn here and the same secret as text; a wrong code changes nothing.
            let enrolment = try await app.request(.GET, "/akun/dua-langkah", headers: [browser.header])
            #expect(enrolment.status == .ok && enrolment.text.contains("<svg") && enrolment.text.contains("id=\"second-factor-required\""))
            #expect(enrolment.headers.first(name: .cacheControl)?.contains("no-store") == true)
            let secretText = try #require(enrolment.text.firstMatch(of: /id="second-factor-secret">([A-Z2-7 ]+)</)?.output.1)
            let secret = try #require(Base32.decode(String(secretText)))
            #expect(secret.count == TOTP.secretBytes)
            #expect(try await app.request(.GET, "/akun/dua-langkah", headers: [browser.header]).text.contains(String(secretText)))
            let wrong = try await post(app, "/akun/dua-langkah", &browser, from: enrolment, ["code": "000000"])
            #expect(wrong.status == .unauthorized && wrong.text.contains("id=\"second-factor-error\""))
            #expect(!(try await SecondFactors.isEnrolled(admin.id, on: app.db)))

            let code = TOTP.code(secret: secret, counter: TOTP.counter(at: clock.now))
            let enrolled = try await post(app, "/akun/dua-langkah", &browser, from: enrolment, ["code": code])
            #expect(enrolled.status == .ok)
            let shown = enrolled.text.matches(of: /<code>([a-z2-9]{5}-[a-z2-9]{5})<\/code>/).map { String($0.output.1) }
            #expect(shown.count == 10 && Set(shown).count == 10)
            #expect(!enrolled.text.contains(String(secretText)), "a confirmed secret is never shown again")
            // The codes are kept as digests only.
            let stored = try await app.db.sql.raw("SELECT code_digest FROM recovery_codes WHERE user_id = \(bind: admin.id)").all()
                .map { try $0.decode(column: "code_digest", as: String.self) }
            #expect(stored.count == 10 && shown.allSatisfy { code in !stored.contains { $0.contains(code.replacing("-", with: "")) } })

            // Now everything opens, the old token too; the enrolment code does not work a second time.
            #expect(try await app.request(.GET, "/kelola/admin", headers: [browser.header]).status == .ok)
            #expect(try await app.request(.GET, "/api/v1/me", token: admin.token).status == .ok)
            let again = try await app.request(
                .POST, "/api/v1/auth/tokens", json: ["email": admin.user.email, "password": World.password, "code": code])
            #expect(again.status == .unauthorized && again.errorCode == "invalid_second_factor")
            let recovery = try await app.request(
                .POST, "/api/v1/auth/tokens", json: ["email": admin.user.email, "password": World.password, "code": shown[0].uppercased()])
            #expect(recovery.status == .created, "\(recovery.text)")
        }
    }

    @Test func theSecondStepRefusesWrongReplayedAndExpiredCodesAndARecoveryCodeWorksOnce() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let email = world.pemkabAdmin.user.email
            var (browser, signedIn) = try await passwordOnly(app, email)
            #expect(signedIn.status == .seeOther && signedIn.headers.first(name: .location) == "/masuk/kode?next=/kelola/admin")
            // The right password alone signs nobody in.
            #expect(
                try await app.request(.GET, "/kelola/admin", headers: [browser.header]).headers.first(name: .location)?.hasPrefix("/masuk")
                    == true)
            let page = try await app.request(.GET, "/masuk/kode", headers: [browser.header])
            #expect(page.status == .ok && page.text.contains("autocomplete=\"one-time-code\""))

            let secret = try await storedSecret(of: world.pemkabAdmin, on: app.db)
            let now = TOTP.counter(at: clock.now)
            let enrolmentStep = now - 1  // the code World used to enrol: spent
            for (typed, why) in [
                ("000000", "wrong"), (TOTP.code(secret: secret, counter: enrolmentStep), "replayed"),
                (TOTP.code(secret: secret, counter: now - 3), "expired"), ("<b>1</b>", "hostile"),
            ] {
                let reply = try await post(app, "/masuk/kode", &browser, from: page, ["code": typed, "next": "/kelola/admin"])
                #expect(reply.status == .unauthorized && reply.text.contains("Kode salah"), "\(why)")
            }
            let right = try await post(
                app, "/masuk/kode", &browser, from: page, ["code": TOTP.code(secret: secret, counter: now), "next": "/kelola/admin"])
            #expect(right.status == .seeOther && right.headers.first(name: .location) == "/kelola/admin")
            #expect(try await app.request(.GET, "/kelola/admin", headers: [browser.header]).status == .ok)

            // A lost phone: a recovery code signs in once.
            let code = world.pemkabAdmin.recoveryCodes[3]
            var (second, _) = try await passwordOnly(app, email)
            let secondPage = try await app.request(.GET, "/masuk/kode", headers: [second.header])
            let recovered = try await post(app, "/masuk/kode", &second, from: secondPage, ["code": code, "next": "/kelola"])
            #expect(recovered.status == .seeOther && recovered.headers.first(name: .location) == "/kelola")
            var (third, _) = try await passwordOnly(app, email)
            let thirdPage = try await app.request(.GET, "/masuk/kode", headers: [third.header])
            #expect(try await post(app, "/masuk/kode", &third, from: thirdPage, ["code": code]).status == .unauthorized)
            #expect(try await SecondFactors.unusedRecoveryCodes(of: world.pemkabAdmin.id, on: app.db) == 9)
        }
    }

    @Test func fiveWrongCodesEndTheWaitingSignIn() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var (browser, _) = try await passwordOnly(app, world.oversight.user.email)
            let page = try await app.request(.GET, "/masuk/kode", headers: [browser.header])
            for attempt in 1...WebSessions.wrongCodesAllowed {
                let reply = try await post(app, "/masuk/kode", &browser, from: page, ["code": "12345\(attempt)"])
                #expect(reply.status == .unauthorized)
                if attempt == WebSessions.wrongCodesAllowed { #expect(reply.text.contains("Terlalu banyak kode salah")) }
            }
            // The waiting session is gone: even the right code now needs the password again.
            let code = try await World.nextCode(for: world.oversight.user.email, now: app.tanggap.clock.now(), on: app.db)
            let late = try await post(app, "/masuk/kode", &browser, from: page, ["code": code])
            #expect(late.status == .seeOther && late.headers.first(name: .location)?.hasPrefix("/masuk?") == true)
            let sessions = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM web_sessions WHERE user_id = \(bind: world.oversight.id)")
                .first(decodingColumn: "n", as: Int.self)
            #expect(sessions == 0)
        }
    }

    @Test func anAPITokenForAnEnrolledAccountNeedsACode() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let email = world.nationalAdmin.user.email
            let missing = try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": email, "password": World.password])
            #expect(missing.status == .unauthorized && missing.errorCode == "invalid_second_factor")
            let code = try await World.nextCode(for: email, now: clock.now, on: app.db)
            let made = try await app.request(
                .POST, "/api/v1/auth/tokens", json: ["email": email, "password": World.password, "code": code])
            #expect(made.status == .created)
            let replay = try await app.request(
                .POST, "/api/v1/auth/tokens", json: ["email": email, "password": World.password, "code": code])
            #expect(replay.status == .unauthorized && replay.errorCode == "invalid_second_factor")
            // A wrong password with a right code tells nothing about the code.
            clock.advance(by: 30)
            let next = try await World.nextCode(for: email, now: clock.now, on: app.db)
            let wrongPassword = try await app.request(
                .POST, "/api/v1/auth/tokens", json: ["email": email, "password": "salah-salah-salah", "code": next])
            #expect(wrongPassword.status == .unauthorized && wrongPassword.errorCode == "invalid_credentials")
        }
    }

    @Test func anAdminResetsAnotherPersonsSecondFactorAndTheRecordSaysSo() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let target = world.kemenkesAdmin
            let browser = try await pages.signedIn(app, world.nationalAdmin.user.email)
            let admin = try await app.request(.GET, "/kelola/admin?instansi=\(world.national.id)", headers: [browser.header])
            #expect(admin.text.contains("id=\"reset-second-factor-\(target.id)\""))
            // Not oneself: a person resets their own factor with a code on their own page.
            #expect(!admin.text.contains("id=\"reset-second-factor-\(world.nationalAdmin.id)\""))
            let own = try await app.request(
                .POST, "/kelola/admin/dua-langkah/\(world.nationalAdmin.id)?instansi=\(world.national.id)", headers: [browser.header],
                rawBody: pages.form(["_csrf": browser.csrf(in: admin)]), contentType: "application/x-www-form-urlencoded")
            #expect(own.status == .forbidden)
            // A regency admin cannot reach a ministry's admin.
            let regency = try await pages.signedIn(app, world.pemkabAdmin.user.email)
            let regencyPage = try await app.request(.GET, "/kelola/admin?instansi=\(world.pemkab.id)", headers: [regency.header])
            let outside = try await app.request(
                .POST, "/kelola/admin/dua-langkah/\(target.id)?instansi=\(world.pemkab.id)", headers: [regency.header],
                rawBody: pages.form(["_csrf": regency.csrf(in: regencyPage)]), contentType: "application/x-www-form-urlencoded")
            #expect(outside.status == .forbidden)
            #expect(try await SecondFactors.isEnrolled(target.id, on: app.db))
            // Someone who also works outside the regency is listed there, but offered neither a reset nor a deactivation.
            let twoPlaces = try await AccountService.create(
                .init(
                    name: "Ganda Dua Tempat", email: "ganda@tanggap.test", password: World.password, institutionID: world.dinas.id,
                    roles: [(.liaisonOfficer, world.dinas.id), (.institutionAdmin, world.kemenkes.id)]),
                bcryptCost: 4, now: app.tanggap.clock.now(), on: app.db)
            _ = try await World.enrolSecondFactor(of: twoPlaces.id, now: app.tanggap.clock.now(), on: app.db)
            let listed = try await app.request(.GET, "/kelola/admin?instansi=\(world.pemkab.id)", headers: [regency.header]).text
            #expect(listed.contains("Ganda Dua Tempat") && !listed.contains("reset-second-factor-\(twoPlaces.id)"))
            #expect(
                !listed.contains("/kelola/admin/nonaktif/\(twoPlaces.id)?")
                    && listed.contains("/kelola/admin/nonaktif/\(world.liaison.id)?"))

            let reset = try await app.request(
                .POST, "/kelola/admin/dua-langkah/\(target.id)?instansi=\(world.national.id)", headers: [browser.header],
                rawBody: pages.form(["_csrf": browser.csrf(in: admin)]), contentType: "application/x-www-form-urlencoded")
            #expect(reset.status == .seeOther && reset.headers.first(name: .location)?.contains("selesai=second_factor_reset") == true)
            #expect(!(try await SecondFactors.isEnrolled(target.id, on: app.db)))
            #expect(try await SecondFactors.unusedRecoveryCodes(of: target.id, on: app.db) == 0)
            // Every sign-in of theirs ended; with the password they may now only enrol again.
            #expect(try await app.request(.GET, "/api/v1/me", token: target.token).status == .unauthorized)
            let entries = try await AdminAudit.recent(under: world.national.path, on: app.db)
            #expect(entries.first?.action == "second_factor_reset" && entries.first?.details.contains(target.user.email) == true)
            #expect(entries.first?.actor == world.nationalAdmin.user.name)
            var (again, _) = try await passwordOnly(app, target.user.email)
            let landing = try await app.request(.GET, "/kelola", headers: [again.header])
            #expect(landing.headers.first(name: .location) == "/akun/dua-langkah")
            again.keep(landing)
        }
    }

    @Test func aLiaisonMayChooseASecondFactorAndTurnItOffAndASettingCanRequireItOfAllStaff() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            var browser = try await pages.signedIn(app, world.liaison.user.email)
            let page = try await app.request(.GET, "/akun/dua-langkah", headers: [browser.header])
            #expect(page.status == .ok && !page.text.contains("second-factor-required") && page.text.contains("<svg"))
            let typed = try #require(page.text.firstMatch(of: /id="second-factor-secret">([A-Z2-7 ]+)</)?.output.1)
            let secret = try #require(Base32.decode(String(typed)))
            let enrolled = try await post(
                app, "/akun/dua-langkah", &browser, from: page, ["code": TOTP.code(secret: secret, counter: TOTP.counter(at: clock.now))])
            #expect(enrolled.status == .ok && enrolled.text.contains("id=\"recovery-codes\""))

            clock.advance(by: 30)
            let status = try await app.request(.GET, "/akun/dua-langkah", headers: [browser.header])
            #expect(status.text.contains("id=\"turn-off-second-factor\"") && status.text.contains("Sisa kode pemulihan: 10"))
            let refused = try await post(app, "/akun/dua-langkah/hapus", &browser, from: status, ["code": "999999"])
            #expect(refused.status == .unauthorized)
            #expect(try await SecondFactors.isEnrolled(world.liaison.id, on: app.db))
            let off = try await post(
                app, "/akun/dua-langkah/hapus", &browser, from: status,
                ["code": TOTP.code(secret: secret, counter: TOTP.counter(at: clock.now))])
            #expect(off.status == .seeOther)
            #expect(!(try await SecondFactors.isEnrolled(world.liaison.id, on: app.db)))

            // A person whose role requires it cannot turn it off.
            var admin = try await pages.signedIn(app, world.pemkabAdmin.user.email)
            let adminPage = try await app.request(.GET, "/akun/dua-langkah", headers: [admin.header])
            #expect(!adminPage.text.contains("id=\"turn-off-second-factor\""))
            clock.advance(by: 30)
            let code = try await World.nextCode(for: world.pemkabAdmin.user.email, now: clock.now, on: app.db)
            let forced = try await post(app, "/akun/dua-langkah/hapus", &admin, from: adminPage, ["code": code])
            #expect(forced.status == .forbidden)
            #expect(try await SecondFactors.isEnrolled(world.pemkabAdmin.id, on: app.db))
        }
        try await withTestApp(configure: { $0.secondFactorReach = .allStaff }) { app in
            let world = try await World.build(app)
            let reply = try await app.request(.GET, "/api/v1/me", token: world.liaison.token)
            #expect(reply.status == .forbidden && reply.errorCode == "second_factor_required")
            #expect(try await app.request(.GET, "/api/v1/me", token: world.citizen.token).status == .ok, "citizens are not staff")
        }
    }
}
