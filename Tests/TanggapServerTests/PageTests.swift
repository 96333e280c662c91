import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapServer

/// The web pages' sign-in: session cookies, form tokens, and pages that escape what people typed.
@Suite struct PageTests {
    /// Cookies a browser would keep between requests.
    struct Browser {
        var cookies: [String: String] = [:]

        var header: (String, String) { ("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }

        mutating func keep(_ reply: Reply) {
            for value in reply.headers[.setCookie] {
                let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2 else { continue }
                if value.contains("Expires=Thu, 01 Jan 1970") || pair[1].isEmpty {
                    cookies[String(pair[0])] = nil
                } else {
                    cookies[String(pair[0])] = String(pair[1])
                }
            }
        }

        func csrf(in reply: Reply) -> String {
            let text = reply.text
            guard let range = text.range(of: "name=\"_csrf\" value=\"") else { return "" }
            return String(text[range.upperBound...].prefix(64))
        }
    }

    func form(_ fields: [String: String]) -> String {
        fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
    }

    /// Signs `email` in through the form — with the authenticator code when the account has a second factor — and
    /// returns the browser holding the session. One sign-in per person and app: a code works once, and the test
    /// clock stands still.
    func signedIn(_ app: Application, _ email: String) async throws -> Browser {
        if let known = app.storage[SignedInBrowsers.self]?[email] { return known }
        var browser = Browser()
        let page = try await app.request(.GET, "/masuk")
        browser.keep(page)
        let reply = try await app.request(
            .POST, "/masuk", headers: [browser.header],
            rawBody: form([
                "_csrf": browser.csrf(in: page), "email": email, "password": World.password, "next": "/kelola",
            ]),
            contentType: "application/x-www-form-urlencoded")
        #expect(reply.status == .seeOther)
        browser.keep(reply)
        if reply.headers.first(name: .location)?.hasPrefix("/masuk/kode") == true {
            let codePage = try await app.request(.GET, "/masuk/kode", headers: [browser.header])
            let code = try await World.nextCode(for: email, now: app.tanggap.clock.now(), on: app.db)
            let confirmed = try await app.request(
                .POST, "/masuk/kode", headers: [browser.header],
                rawBody: form(["_csrf": browser.csrf(in: codePage), "code": code, "next": "/kelola"]),
                contentType: "application/x-www-form-urlencoded")
            #expect(confirmed.status == .seeOther, "\(confirmed.text)")
            browser.keep(confirmed)
        }
        var known = app.storage[SignedInBrowsers.self] ?? [:]
        known[email] = browser
        app.storage[SignedInBrowsers.self] = known
        return browser
    }

    struct SignedInBrowsers: StorageKey { typealias Value = [String: Browser] }

    @Test func theStartPageCountsTheReportsHeldInThePersonsPartOfTheTree() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            for _ in 0..<2 { _ = try await world.submit(["target_institution_id": world.pemkab.id]) }
            _ = try await world.submit(["target_institution_id": world.kemenkes.id])
            _ = try await world.dispatchedToDinas()
            func row(_ label: String, _ count: Int) -> String { "<td>\(label)</td><td class=\"number\">\(count)</td>" }

            let regency = try await app.request(.GET, "/kelola", headers: [signedIn(app, "admin.bandung@tanggap.test").header]).text
            #expect(
                regency.contains(row("Diterima", 2)) && regency.contains(row("Didisposisikan", 1)), "the ministry's report is elsewhere")
            #expect(regency.contains("(3)"))
            let unit = try await app.request(.GET, "/kelola", headers: [signedIn(app, "penghubung@tanggap.test").header]).text
            #expect(unit.contains(row("Diterima", 0)) && unit.contains(row("Didisposisikan", 1)), "the unit holds only what was sent down")
            let national = try await app.request(.GET, "/kelola", headers: [signedIn(app, "admin@tanggap.test").header]).text
            #expect(national.contains(row("Diterima", 3)) && national.contains("(4)"))
        }
    }

    @Test func aLongRankingIsShownAHundredAtATime() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            for n in 1...102 {
                let body = try await InstitutionDirectory.create(
                    name: "Badan Uji \(n)", kind: .agency, under: world.national, now: app.tanggap.clock.now(), on: app.db)
                _ = try await world.submit(["target_institution_id": body.id])
            }
            let browser = try await signedIn(app, "admin@tanggap.test")
            func page(_ query: String) async throws -> String {
                try await app.request(.GET, "/kelola/dasbor\(query)", headers: [browser.header]).text
            }
            let first = try await page("")
            #expect(first.contains("Peringkat 1–100 dari 102") && first.contains("halaman=2") && !first.contains("rel=\"prev\""))
            #expect(first.components(separatedBy: "Badan Uji ").count - 1 == 100)
            let second = try await page("?halaman=2")
            #expect(second.contains("Peringkat 101–102 dari 102") && second.contains("halaman=1") && !second.contains("rel=\"next\""))
            #expect(second.contains("<td class=\"number\">101</td>") && second.components(separatedBy: "Badan Uji ").count - 1 == 2)
            #expect(try await page("?halaman=99").contains("Peringkat 101–102 dari 102"), "past the end: the last part")
            #expect(try await page("?halaman=-3").contains("Peringkat 1–100 dari 102"))
            #expect(try await page("?halaman=%3Cscript%3E").contains("Peringkat 1–100 dari 102"))
        }
    }

    @Test func signInRotatesTheSessionAndSignOutEndsIt() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var browser = Browser()
            let page = try await app.request(.GET, "/masuk")
            #expect(page.status == .ok && page.headers.contentType?.subType == "html")
            browser.keep(page)
            let csrf = browser.csrf(in: page)
            #expect(csrf.count == 64 && browser.cookies[CSRF.cookieName] == csrf)
            let setCookie = page.headers[.setCookie].joined(separator: "\n")
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))

            // A stale session cookie planted beforehand is not the one that gets signed in.
            browser.cookies[WebSessions.cookieName] = String(repeating: "a", count: 64)
            let signedIn = try await app.request(
                .POST, "/masuk", headers: [browser.header],
                rawBody: form([
                    "_csrf": csrf, "email": "penghubung@tanggap.test", "password": World.password, "next": "/kelola",
                ]),
                contentType: "application/x-www-form-urlencoded")
            #expect(signedIn.status == .seeOther && signedIn.headers.first(name: .location) == "/kelola")
            browser.keep(signedIn)
            let session = try #require(browser.cookies[WebSessions.cookieName])
            #expect(session != String(repeating: "a", count: 64))
            #expect(
                signedIn.headers[.setCookie].contains {
                    $0.hasPrefix(WebSessions.cookieName) && $0.contains("HttpOnly") && $0.contains("SameSite=Lax")
                })

            let office = try await app.request(.GET, "/kelola", headers: [browser.header])
            #expect(office.status == .ok && office.text.contains(world.liaison.user.name) && office.text.contains(world.dinas.name))
            // The API does not accept the page session: no riding a browser's cookie into it.
            #expect(try await app.request(.GET, "/api/v1/me", headers: [browser.header]).status == .unauthorized)

            let out = try await app.request(
                .POST, "/keluar", headers: [browser.header], rawBody: form(["_csrf": browser.cookies[CSRF.cookieName]!]),
                contentType: "application/x-www-form-urlencoded")
            #expect(out.status == .seeOther)
            #expect(
                try await app.request(.GET, "/kelola", headers: [("Cookie", "\(WebSessions.cookieName)=\(session)")]).status == .seeOther)
            struct Row: Decodable { let n: Int }
            #expect(try await app.db.sql.raw("SELECT COUNT(*) AS n FROM web_sessions").first(decoding: Row.self)?.n == 0)
        }
    }

    @Test func formsWithoutTheirTokenAreRefused() async throws {
        try await withTestApp { app in
            _ = try await World.build(app)
            let forged = try await app.request(
                .POST, "/masuk", rawBody: form(["email": "penghubung@tanggap.test", "password": World.password]),
                contentType: "application/x-www-form-urlencoded")
            #expect(forged.status == .forbidden && forged.headers.contentType?.subType == "html")
            #expect(forged.headers[.setCookie].allSatisfy { !$0.hasPrefix(WebSessions.cookieName) })
            let mismatched = try await app.request(
                .POST, "/masuk", headers: [("Cookie", "\(CSRF.cookieName)=\(String(repeating: "b", count: 64))")],
                rawBody: form(["_csrf": String(repeating: "c", count: 64), "email": "x", "password": "y"]),
                contentType: "application/x-www-form-urlencoded")
            #expect(mismatched.status == .forbidden)
            // The token is read from the body by its exact name; a near name or an empty one is no token.
            let token = String(repeating: "b", count: 64)
            for body in ["x_csrf=\(token)&email=x&password=y", "_csrfx=\(token)&email=x", "_csrf=&_csrf=\(token)&email=x", "email=x&_csrf"]
            {
                let response = try await app.request(
                    .POST, "/masuk", headers: [("Cookie", "\(CSRF.cookieName)=\(token)")], rawBody: body,
                    contentType: "application/x-www-form-urlencoded")
                #expect(response.status == .forbidden, "\(body)")
            }
            let encoded = try await app.request(
                .POST, "/masuk", headers: [("Cookie", "\(CSRF.cookieName)=\(token)")],
                rawBody: "_csrf=" + String(repeating: "%62", count: 64) + "&email=x&password=y",
                contentType: "application/x-www-form-urlencoded")
            #expect(encoded.status != .forbidden, "a percent-encoded token is the same token")
        }
    }

    @Test func aWrongPasswordKeepsTheFormAndEscapesWhatWasTyped() async throws {
        try await withTestApp { app in
            _ = try await World.build(app)
            var browser = Browser()
            let page = try await app.request(.GET, "/masuk?next=//evil.example/steal")
            browser.keep(page)
            #expect(page.text.contains("value=\"/kelola\""), "a foreign next is replaced by the office")
            let hostile = "\"><script>alert(1)</script>@x.test"
            let reply = try await app.request(
                .POST, "/masuk", headers: [browser.header],
                rawBody: form([
                    "_csrf": browser.csrf(in: page), "email": hostile, "password": "salah-salah-1",
                ]),
                contentType: "application/x-www-form-urlencoded")
            #expect(reply.status == .unauthorized)
            #expect(reply.text.contains("Email atau kata sandi salah."))
            #expect(!reply.text.contains("<script>alert(1)"))
            #expect(reply.text.contains("&lt;script&gt;"))
        }
    }

    @Test func pagesSpeakBothLanguagesAndErrorsArePages() async throws {
        try await withTestApp { app in
            let home = try await app.request(.GET, "/")
            #expect(home.text.contains("<html lang=\"id\">") && home.text.contains("Laporkan masalah pelayanan publik"))
            let english = try await app.request(.GET, "/?lang=en")
            #expect(english.text.contains("<html lang=\"en\">") && english.text.contains("Report a problem with a public service"))
            let missing = try await app.request(.GET, "/tidak-ada")
            #expect(missing.status == .notFound && missing.headers.contentType?.subType == "html")
            #expect(try await app.request(.GET, "/kelola").headers.first(name: .location) == "/masuk?next=/kelola")
        }
    }

    @Test func staticFilesAreReadOnlyAndOnlyFromTheirFolder() async throws {
        try await withTestApp { app in
            let css = try await app.request(.GET, "/css/tanggap.css")
            #expect(css.status == .ok && css.headers.contentType?.subType == "css" && css.text.contains(":root"))
            #expect(try await app.request(.HEAD, "/css/tanggap.css").status == .ok)
            // Only reading serves a file: anything else goes to the routes, which have nothing there.
            let posted = try await app.request(.POST, "/css/tanggap.css", rawBody: "x")
            #expect(posted.status == .notFound && !posted.text.contains(":root"))
            // Nothing outside the folder, however the way out is spelled.
            for path in ["/css/../../Package.swift", "/css/%2e%2e/%2e%2e/Package.swift", "/css/..%2f..%2fPackage.swift"] {
                let escaped = try await app.request(.GET, path)
                #expect(escaped.status != .ok && !escaped.text.contains("PackageDescription"), "\(path)")
            }
        }
    }
}
