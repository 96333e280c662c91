import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

@Suite struct AccountsTests {
    @Test func signInWithAPasswordAndUseTheToken() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let login = try await app.request(
                .POST, "/api/v1/auth/tokens", json: ["email": "Penghubung@Tanggap.test", "password": World.password, "label": "ponsel"])
            #expect(login.status == .created, "\(login.text)")
            let issued = try login.decode(AccountsController.TokenIssued.self)
            let token = issued.token
            #expect(token.hasPrefix("tg_") && issued.tokenType == "Bearer")
            let me = try await app.request(.GET, "/api/v1/me", token: token).decode(AccountsController.Me.self)
            #expect(me.email == "penghubung@tanggap.test")
            #expect(me.roles.count == 1 && me.roles[0].role == Role.liaisonOfficer.rawValue)
            #expect(me.roles[0].institution.id == world.dinas.id)
            // Only a digest of the secret is stored.
            let stored = try await APITokenModel.query(on: app.db).filter(\.$label == "ponsel").first()
            #expect(stored != nil && !token.contains(stored!.secretDigest))

            #expect(try await app.request(.DELETE, "/api/v1/auth/tokens/current", token: token).status == .noContent)
            #expect(try await app.request(.GET, "/api/v1/me", token: token).errorCode == "invalid_token")
        }
    }

    @Test func wrongPasswordsAndUnknownAddressesGetTheSameAnswer() async throws {
        try await withTestApp { app in
            _ = try await World.build(app)
            for body in [
                ["email": "penghubung@tanggap.test", "password": "salah-sekali-123"],
                ["email": "tidak.ada@tanggap.test", "password": World.password],
                ["email": "' OR 1=1 --", "password": "x"], ["email": "", "password": ""],
            ] {
                let reply = try await app.request(.POST, "/api/v1/auth/tokens", json: body)
                #expect(reply.status == .unauthorized && reply.errorCode == "invalid_credentials", "\(body)")
            }
        }
    }

    @Test func citizensRegisterWithAGoodPasswordOnce() async throws {
        try await withTestApp { app in
            _ = try await World.build(app)
            let weak = try await app.request(
                .POST, "/api/v1/accounts", json: ["name": "Ani", "email": "ani@warga.test", "password": "aaaaaaaaaaaa"])
            #expect(weak.fieldErrors == ["password:invalid"])
            let short = try await app.request(.POST, "/api/v1/accounts", json: ["name": "", "email": "ani", "password": "pendek"])
            #expect(short.fieldErrors == ["name:required", "email:invalid", "password:too_short"])
            let created = try await app.request(
                .POST, "/api/v1/accounts",
                json: ["name": "Ani Warga", "email": "ani@warga.test", "password": "rahasia-ani-2026", "phone": "0812 1111 2222"])
            #expect(created.status == .created, "\(created.text)")
            #expect(try created.decode(AccountsController.TokenIssued.self).user.roles.isEmpty)
            let again = try await app.request(
                .POST, "/api/v1/accounts", json: ["name": "Ani Lagi", "email": "ANI@warga.test", "password": "rahasia-ani-2026"])
            #expect(again.status == .conflict && again.errorCode == "email_taken")
            let stored = try await UserModel.query(on: app.db).filter(\.$email == "ani@warga.test").first()
            #expect(stored?.passwordHash.hasPrefix("$2") == true && stored?.phone == "+6281211112222")
        }
    }

    @Test func publicWritesAreRateLimitedPerClient() async throws {
        try await withTestApp(configure: {
            $0.rateLimits.submissionsPerMinute = 3
            $0.rateLimits.loginsPerMinute = 2
        }) { app in
            let world = try await World.build(app)
            for _ in 0..<3 { try await world.submit() }
            let before = try await world.tableCounts()
            let limited = try await app.request(.POST, "/api/v1/reports", json: world.reportFields())
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limited")
            #expect(Int(limited.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            #expect(try await world.tableCounts() == before)
            for _ in 0..<2 {
                _ = try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": "x@y.test", "password": "salah-salah-1"])
            }
            #expect(
                try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": "x@y.test", "password": "salah-salah-1"]).status
                    == .tooManyRequests)
        }
    }
}

@Suite struct OperationsTests {
    @Test func healthAndReadiness() async throws {
        try await withTestApp { app in
            let live = try await app.request(.GET, "/healthz")
            #expect(live.status == .ok && live.json["status"] as? String == "ok")
            let ready = try await app.request(.GET, "/readyz")
            #expect(ready.status == .ok && ready.json["database"] as? String == "ok")
        }
    }

    @Test func readinessFailsWhileMigrationsArePending() async throws {
        try await withTestApp { app in
            try await app.db.sql.raw("DELETE FROM _fluent_migrations WHERE name = 'M0007_ProtectHistory'").run()
            let ready = try await app.request(.GET, "/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.json["pending_migrations"] as? [String] == ["M0007_ProtectHistory"])
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await withTestApp { app in
            for path in ["/healthz", "/api/v1/reports", "/api/v1/tidak-ada"] {
                let reply = try await app.request(.GET, path)
                let csp = reply.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(
                    csp.contains("default-src 'self'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "\(path)")
                #expect(reply.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(reply.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
            }
        }
    }

    @Test func theAPIDescribesItself() async throws {
        try await withTestApp { app in
            let reply = try await app.request(.GET, "/api/v1/openapi.yaml")
            #expect(reply.status == .ok)
            #expect(reply.headers.first(name: .contentType)?.hasPrefix("application/yaml") == true)
            #expect(reply.text.hasPrefix("openapi: 3.1"))
            let onDisk = try String(contentsOfFile: app.directory.workingDirectory + "docs/openapi.yaml", encoding: .utf8)
            #expect(reply.text == onDisk)
        }
    }

    @Test func bothLanguagesSayEverythingTheServerCanSay() async throws {
        try await withTestApp { app in
            let localizer = app.tanggap.localizer
            #expect(localizer.keys(.id) == localizer.keys(.en))
            var codes = [
                "validation_failed", "report_not_found", "not_found", "authentication_required", "invalid_token",
                "token_expired", "invalid_credentials", "forbidden", "email_taken", "rate_limited", "payload_too_large",
                "unsupported_media_type", "method_not_allowed", "malformed_request", "request_refused", "internal_error",
                "not_set_up", "wrong_state",
            ]
            codes += TransitionError.Denial.allCases.map(\.rawValue) + TransitionError.Rejection.allCases.map(\.rawValue)
            for code in codes { #expect(localizer.has("error.\(code)"), "error.\(code)") }
            for code in FieldError.Code.allCases { #expect(localizer.has("field.\(code.rawValue)"), "field.\(code.rawValue)") }
        }
    }

    /// A stop waits for the requests the server has begun (a report waiting for its commit must not find the
    /// database gone), but not for ever for one that hangs.
    @Test func aStopWaitsForTheRequestsItHasBegun() async throws {
        struct Slow: AsyncResponder {
            let pause: Duration
            let finished: NIOLockedValueBox<Bool>
            func respond(to request: Request) async throws -> Response {
                try await Task.sleep(for: pause)
                finished.withLockedValue { $0 = true }
                return Response(status: .ok)
            }
        }
        try await withTestApp { app in
            for (pause, patience, waits) in [
                (Duration.milliseconds(300), Duration.seconds(5), true), (.seconds(3), .milliseconds(100), false),
            ] {
                let inFlight = RequestsInFlight(patience: patience)
                let finished = NIOLockedValueBox(false)
                let request = Request(application: app, on: app.eventLoopGroup.any())
                let answering = Task { try await inFlight.respond(to: request, chainingTo: Slow(pause: pause, finished: finished)) }
                while inFlight.current == 0 { await Task.yield() }
                await inFlight.shutdownAsync(app)
                #expect(finished.withLockedValue { $0 } == waits, "\(pause) with patience \(patience)")
                let answer = try await answering.value
                #expect(answer.status == .ok)
                #expect(inFlight.current == 0)
            }
        }
    }
}
