import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// "Lupa sandi": a link by e-mail that works once, for an hour; asking tells nobody who has an account; setting the
/// password ends every session and token, clears a lockout, and is told to the owner.
@Suite struct PasswordResetTests {
    typealias Browser = PageTests.Browser
    let pages = PageTests()

    func ask(_ app: Application, _ email: String) async throws -> Reply {
        var browser = Browser()
        let form = try await app.request(.GET, "/lupa-sandi")
        browser.keep(form)
        return try await app.request(
            .POST, "/lupa-sandi", headers: [browser.header], rawBody: pages.form(["_csrf": browser.csrf(in: form), "email": email]),
            contentType: "application/x-www-form-urlencoded")
    }

    func setPassword(_ app: Application, link: String, _ password: String) async throws -> Reply {
        let path = String(link.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })  // the path of the absolute link
        var browser = Browser()
        let form = try await app.request(.GET, path)
        browser.keep(form)
        return try await app.request(
            .POST, path, headers: [browser.header], rawBody: pages.form(["_csrf": browser.csrf(in: form), "password": password]),
            contentType: "application/x-www-form-urlencoded")
    }

    func sentLinks(_ app: Application, _ mailer: RecordingMailer, to email: String) async throws -> [String] {
        try await app.runQueuedJobs()
        return mailer.messages.filter { $0.to == email }.compactMap { message in
            message.body.split(separator: "\n").first { $0.contains("/lupa-sandi/") }.map {
                String($0).trimmingCharacters(in: .whitespaces)
            }
        }
    }

    @Test func aLinkByEmailSetsANewPasswordOnceAndEndsEverySignIn() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let mailer = RecordingMailer()
            app.tanggap.mailer = mailer
            let world = try await World.build(app)
            let email = world.citizen.user.email
            let signedIn = try await pages.signedIn(app, email)

            // The same answer for an account and for nobody; only the account gets a mail.
            let known = try await ask(app, email)
            let unknown = try await ask(app, "tidak-ada@warga.test")
            #expect(known.status == .ok && unknown.status == .ok && known.text.contains("id=\"reset-sent\""))
            // Word for word, but for the form tokens.
            func shape(_ text: String) -> String { text.replacingOccurrences(of: "[0-9a-f]{64}", with: "", options: .regularExpression) }
            #expect(shape(known.text) == shape(unknown.text))
            _ = try await ask(app, email)  // asked again at once: no second mail
            let links = try await sentLinks(app, mailer, to: email)
            #expect(links.count == 1 && links[0].hasPrefix("http://127.0.0.1:8080/lupa-sandi/"))
            #expect(mailer.messages.allSatisfy { $0.to != "tidak-ada@warga.test" })
            // Only a digest is stored.
            let token = String(links[0].suffix(64))
            #expect(
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM password_resets WHERE token_digest = \(bind: token)")
                    .first(decodingColumn: "n", as: Int.self) == 0)

            // A weak password is refused beside its field, and spends nothing.
            let weak = try await setPassword(app, link: links[0], "pendek")
            #expect(weak.status == .unprocessableEntity && weak.text.contains("class=\"field-error\""))
            let done = try await setPassword(app, link: links[0], "kata-sandi-baru-sekali-9")
            #expect(done.status == .seeOther && done.headers.first(name: .location) == "/masuk?sandi=baru")

            #expect(try await app.request(.GET, "/akun", headers: [signedIn.header]).status == .seeOther, "the old session ended")
            #expect(try await app.request(.GET, "/api/v1/me", token: world.citizen.token).status == .unauthorized, "and the token")
            let old = try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": email, "password": World.password])
            #expect(old.status == .unauthorized)
            let new = try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": email, "password": "kata-sandi-baru-sekali-9"])
            #expect(new.status == .created)
            // The link works once.
            let again = try await app.request(.GET, String(links[0].dropFirst("http://127.0.0.1:8080".count)))
            #expect(again.status == .unprocessableEntity && again.text.contains("id=\"reset-invalid\""))
            try await app.runQueuedJobs()
            #expect(mailer.messages.contains { $0.to == email && $0.subject == "[Tanggap] Kata sandi Anda diganti" })
        }
    }

    @Test func anOldForgedOrHostileLinkSetsNothingAndAResetClearsALockout() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let mailer = RecordingMailer()
            app.tanggap.mailer = mailer
            let world = try await World.build(app)
            let email = world.otherCitizen.user.email
            _ = try await ask(app, email)
            let link = try #require(try await sentLinks(app, mailer, to: email).first)
            clock.advance(by: PasswordResets.lifetime + 1)
            #expect(try await app.request(.GET, String(link.dropFirst("http://127.0.0.1:8080".count))).status == .unprocessableEntity)
            #expect(try await setPassword(app, link: link, "kata-sandi-baru-sekali-9").status != .seeOther)
            for hostile in [
                "/lupa-sandi/abc", "/lupa-sandi/" + String(repeating: "0", count: 64), "/lupa-sandi/..%2F..%2Fetc%2Fpasswd",
                "/lupa-sandi/%3Cscript%3E",
            ] {
                let reply = try await app.request(.GET, hostile)
                #expect(reply.status == .unprocessableEntity || reply.status == .notFound, "\(hostile)")
                #expect(!reply.text.contains("<script>"))
            }
            #expect(
                try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": email, "password": World.password]).status == .created)

            // Locked out by someone guessing, the owner resets by e-mail and is in at once.
            for _ in 1...10 {
                _ = try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": email, "password": "tebakan-salah-sekali"])
            }
            #expect(
                try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": email, "password": World.password]).status
                    == .tooManyRequests)
            clock.advance(by: PasswordResets.resendAfter + 1)
            _ = try await ask(app, email)
            let fresh = try #require(try await sentLinks(app, mailer, to: email).last)
            #expect(fresh != link)
            #expect(try await setPassword(app, link: fresh, "kata-sandi-baru-sekali-9").status == .seeOther)
            let back = try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": email, "password": "kata-sandi-baru-sekali-9"])
            #expect(back.status == .created)
        }
    }

    @Test func withoutAMailServerThePageSaysResetIsNotAvailableHere() async throws {
        try await withTestApp { app in
            _ = try await World.build(app)
            let page = try await app.request(.GET, "/lupa-sandi")
            #expect(page.status == .ok && page.text.contains("id=\"reset-unavailable\"") && !page.text.contains("action=\"/lupa-sandi\""))
            #expect(try await app.request(.GET, "/masuk").text.contains("href=\"/lupa-sandi\""))
        }
    }
}
