import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Accounts that cannot be worn down: the lockout that a botnet's many addresses do not escape, the e-mails that tell
/// the owner, and the list of one's own sessions and tokens, each revocable.
@Suite struct AccountProtectionTests {
    typealias Browser = PageTests.Browser
    let pages = PageTests()

    /// As the real deployment behind a proxy: the per-address limit at its default, every guess from its own address.
    func behindAProxy(_ settings: inout Settings) {
        settings.trustForwardedFor = true
        settings.rateLimits.loginsPerMinute = RateLimitSettings().loginsPerMinute
    }

    func guess(_ app: Application, _ email: String, _ password: String, from address: Int, code: String? = nil) async throws -> Reply {
        var credentials = ["email": email, "password": password]
        credentials["code"] = code
        return try await app.request(
            .POST, "/api/v1/auth/tokens", json: credentials, headers: [("X-Forwarded-For", "203.0.113.\(address)")])
    }

    func failures(of userID: Int64, on db: any Database) async throws -> Int {
        try await db.sql.raw("SELECT failed_sign_ins FROM users WHERE id = \(bind: userID)").first(
            decodingColumn: "failed_sign_ins", as: Int.self)
            ?? -1
    }

    @Test func twentyWrongPasswordsFromTwentyAddressesAreSlowedThenLockedAndTheOwnerStillGetsIn() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock, configure: behindAProxy) { app in
            let mailer = RecordingMailer()
            app.tanggap.mailer = mailer
            let world = try await World.build(app)
            let owner = world.citizen.user
            var answers: [String] = []
            for attempt in 1...20 {
                let reply = try await guess(app, owner.email, "tebakan-salah-\(attempt)", from: attempt)
                let retry = reply.headers.first(name: .retryAfter)
                answers.append("\(reply.status.code) \(reply.errorCode ?? "?") \(retry ?? "-")")
                // The attacker waits out each wait until the lock is full, then keeps knocking while it holds.
                if attempt < 10, let retry, let seconds = TimeInterval(retry) { clock.advance(by: seconds) }
            }
            let free = Array(repeating: "401 invalid_credentials -", count: 4)
            let slowed = [30, 60, 120, 240, 480, 900].map { "429 account_locked \($0)" }
            #expect(Array(answers.prefix(10)) == free + slowed)
            #expect(answers.suffix(10).allSatisfy { $0.hasPrefix("429 account_locked ") && Int($0.split(separator: " ")[2])! <= 900 })
            #expect(try await failures(of: owner.id, on: app.db) == 10, "a try made while the account waits is not even looked at")

            // During the lock even the right password waits; after it, the owner gets in and the count starts again.
            #expect(try await guess(app, owner.email, World.password, from: 99).status == .tooManyRequests)
            clock.advance(by: 900)
            #expect(try await guess(app, owner.email, World.password, from: 99).status == .created)
            #expect(try await failures(of: owner.id, on: app.db) == 0)

            try await app.runQueuedJobs()
            let toOwner = mailer.messages.filter { $0.to == owner.email }
            #expect(toOwner.map(\.subject) == ["[Tanggap] Ada yang mencoba masuk ke akun Anda", "[Tanggap] Akun Anda dikunci sementara"])
            #expect(toOwner.allSatisfy { $0.body.contains("/akun") && !$0.body.contains("tebakan-salah") })
            // The other accounts were never touched.
            #expect(try await failures(of: world.otherCitizen.id, on: app.db) == 0)
        }
    }

    @Test func wrongSecondFactorCodesCountAsWrongPasswordsDo() async throws {
        try await withTestApp(configure: behindAProxy) { app in
            let world = try await World.build(app)
            let admin = world.pemkabAdmin.user
            var statuses: [UInt] = []
            for attempt in 1...6 {
                statuses.append(try await guess(app, admin.email, World.password, from: attempt, code: "000000").status.code)
            }
            #expect(statuses == [401, 401, 401, 401, 429, 429])
            let code = try await World.nextCode(for: admin.email, now: app.tanggap.clock.now(), on: app.db)
            #expect(try await guess(app, admin.email, World.password, from: 7, code: code).status == .tooManyRequests)
        }
    }

    func signIn(_ app: Application, _ email: String, browser: inout Browser, userAgent: String) async throws {
        browser.cookies[WebSessions.cookieName] = nil  // signed out, as after the session ran out
        let page = try await app.request(.GET, "/masuk", headers: [browser.header])
        browser.keep(page)
        let reply = try await app.request(
            .POST, "/masuk", headers: [browser.header, ("User-Agent", userAgent)],
            rawBody: pages.form(["_csrf": browser.csrf(in: page), "email": email, "password": World.password, "next": "/akun"]),
            contentType: "application/x-www-form-urlencoded")
        #expect(reply.status == .seeOther && reply.headers.first(name: .location) == "/akun")
        browser.keep(reply)
    }

    static let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    static let phone = "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"

    @Test func aSignInFromANewDeviceIsToldToTheOwnerAndAKnownOneIsNot() async throws {
        try await withTestApp { app in
            let mailer = RecordingMailer()
            app.tanggap.mailer = mailer
            let world = try await World.build(app)
            let email = world.citizen.user.email
            var laptop = Browser()
            try await signIn(app, email, browser: &laptop, userAgent: Self.firefox)  // the account's first device
            try await signIn(app, email, browser: &laptop, userAgent: Self.firefox)  // the same browser again
            var phone = Browser()
            try await signIn(app, email, browser: &phone, userAgent: Self.phone)
            #expect(phone.cookies[Devices.cookieName] != laptop.cookies[Devices.cookieName])
            // A program is known by its token's name.
            for _ in 0..<2 {
                let made = try await app.request(
                    .POST, "/api/v1/auth/tokens", json: ["email": email, "password": World.password, "label": "skrip-saya"])
                #expect(made.status == .created)
            }
            try await app.runQueuedJobs()
            let told = mailer.messages.filter { $0.to == email }
            #expect(told.count == 2, "\(told.map(\.body))")
            #expect(told.first?.body.contains("Chrome · Android") == true)
            #expect(told.last?.body.contains("API: skrip-saya") == true)
        }
    }

    @Test func aPersonSeesAndEndsTheirOwnSessionsAndTokensAndNobodyElses() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let email = world.citizen.user.email
            var laptop = Browser()
            var phone = Browser()
            try await signIn(app, email, browser: &laptop, userAgent: Self.firefox)
            try await signIn(app, email, browser: &phone, userAgent: Self.phone)

            let listing = try await app.request(.GET, "/api/v1/me/sign-ins", token: world.citizen.token).decode(SignIns.Listing.self)
            #expect(Set(listing.sessions.map(\.device)) == ["Firefox · Linux", "Chrome · Android"])
            #expect(listing.tokens.count == 1 && listing.tokens[0].current && listing.tokens[0].label == "test")
            let phoneSession = try #require(listing.sessions.first { $0.device == "Chrome · Android" })

            // Another person's ids are not found, and nothing of theirs is listed.
            let other = world.otherCitizen.token
            #expect(try await app.request(.DELETE, "/api/v1/me/sessions/\(phoneSession.id)", token: other).status == .notFound)
            #expect(try await app.request(.DELETE, "/api/v1/me/tokens/\(listing.tokens[0].id)", token: other).status == .notFound)
            #expect(try await app.request(.DELETE, "/api/v1/me/sessions/abc", token: other).status == .notFound)
            #expect(try await app.request(.GET, "/api/v1/me/sign-ins", token: other).decode(SignIns.Listing.self).sessions.isEmpty)
            #expect(try await app.request(.GET, "/api/v1/me/sign-ins").status == .unauthorized)

            // The page lists both, marks this browser, and ends the phone's session.
            let page = try await app.request(.GET, "/akun/sesi", headers: [laptop.header])
            #expect(page.status == .ok && page.text.contains("Chrome · Android") && page.text.contains("(peramban ini)"))
            let ended = try await app.request(
                .POST, "/akun/sesi/\(phoneSession.id)/akhiri", headers: [laptop.header],
                rawBody: pages.form(["_csrf": laptop.csrf(in: page)]), contentType: "application/x-www-form-urlencoded")
            #expect(ended.status == .seeOther && ended.headers.first(name: .location) == "/akun/sesi?selesai=session")
            #expect(try await app.request(.GET, "/akun", headers: [phone.header]).status == .seeOther, "the phone is signed out")
            // Without the form token, a signed-in browser's post ends nothing.
            let forged = try await app.request(
                .POST, "/akun/sesi/akhiri-lainnya", headers: [laptop.header], rawBody: "", contentType: "application/x-www-form-urlencoded")
            #expect(forged.status == .forbidden, "\(forged.status)")
            #expect(try await app.request(.GET, "/akun", headers: [laptop.header]).status == .ok)

            // A token revoked through the API stops working at once.
            #expect(
                try await app.request(.DELETE, "/api/v1/me/tokens/\(listing.tokens[0].id)", token: world.citizen.token).status == .noContent
            )
            #expect(try await app.request(.GET, "/api/v1/me", token: world.citizen.token).status == .unauthorized)
        }
    }

    @Test func endingEveryOtherSessionKeepsOnlyThisBrowser() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let email = world.citizen.user.email
            var browsers = [Browser(), Browser(), Browser()]
            for index in browsers.indices { try await signIn(app, email, browser: &browsers[index], userAgent: Self.firefox) }
            let page = try await app.request(.GET, "/akun/sesi", headers: [browsers[0].header])
            let reply = try await app.request(
                .POST, "/akun/sesi/akhiri-lainnya", headers: [browsers[0].header],
                rawBody: pages.form(["_csrf": browsers[0].csrf(in: page)]), contentType: "application/x-www-form-urlencoded")
            #expect(reply.status == .seeOther)
            #expect(try await app.request(.GET, "/akun", headers: [browsers[0].header]).status == .ok)
            for other in browsers.dropFirst() { #expect(try await app.request(.GET, "/akun", headers: [other.header]).status == .seeOther) }
        }
    }
}
