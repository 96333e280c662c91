import Fluent
import Foundation
import TanggapCore
import Vapor

/// `/api/v1/auth/tokens`, `/api/v1/accounts`, `/api/v1/me`: signing in for the API and citizen accounts.
enum AccountsController {
    static func register(_ api: any RoutesBuilder) {
        api.post("auth", "tokens", use: issueToken).answerNeverKept()
        api.delete("auth", "tokens", "current", use: revokeToken)
        api.post("accounts", use: createAccount).answerNeverKept()
        api.get("me", use: me)
        api.get("me", "sign-ins", use: signIns)
        api.delete("me", "sessions", ":id", use: endSession)
        api.delete("me", "tokens", ":id", use: revokeOwnToken)
        api.get("me", "export", use: export)
        api.delete("me", use: eraseAccount)
    }

    struct Credentials: Content {
        var email: String?
        var password: String?
        /// The authenticator code (or a recovery code), for an account with a second factor.
        var code: String?
        var label: String?
    }

    struct Grant: Content {
        let role: String
        let institution: Named
    }

    struct Me: Content {
        let id: Int64
        let name: String
        let email: String
        let institution: Named?
        let roles: [Grant]
    }

    struct TokenIssued: Content {
        let token: String
        let tokenType: String
        let expiresAt: Date
        let user: Me
    }

    @Sendable static func issueToken(_ req: Request) async throws -> Response {
        try await req.enforceRateLimit(.signIn)
        let credentials = try req.decodeBody(Credentials.self)
        let user = try await AccountService.authenticate(
            email: credentials.email, password: credentials.password, bcryptCost: req.tanggap.settings.bcryptCost, now: req.now, on: req.db)
        // A token is a sign-in of its own: it needs the second factor too, and none is made before one is enrolled.
        if user.mustEnrolSecondFactor(req.tanggap.settings.secondFactorReach) { throw APIError.secondFactorRequired }
        if user.hasSecondFactor {
            guard try await SecondFactors.verify(user.id, code: credentials.code, now: req.now, on: req.db) else {
                throw try await SignInGuard.failed(user.id, now: req.now, on: req.db) ?? APIError.invalidSecondFactor
            }
            try await SignInGuard.succeeded(user.id, on: req.db)
        }
        let label = credentials.label.map(TextNormalizer.singleLine).map { String($0.prefix(100)) }
        let issued = try await APITokens.issue(
            for: user.id, label: label, lifetime: req.tanggap.settings.apiTokenLifetime, now: req.now, on: req.db)
        try await Devices.recogniseProgram(of: user.id, label: label, on: req)
        return try await tokenResponse(issued, user: user, for: req)
    }

    @Sendable static func revokeToken(_ req: Request) async throws -> HTTPStatus {
        guard let tokenID = req.storage[BearerAuthenticationMiddleware.TokenID.self] else { throw APIError.authenticationRequired }
        try await APITokens.revoke(tokenID, now: req.now, on: req.db)
        return .noContent
    }

    @Sendable static func createAccount(_ req: Request) async throws -> Response {
        try await req.enforceRateLimit(.signIn)
        let input = try req.decodeBody(NewAccountBody.self)
        let user = try await AccountService.create(
            .init(name: input.name, email: input.email, password: input.password, phone: input.phone),
            bcryptCost: req.tanggap.settings.bcryptCost, now: req.now, on: req.db)
        let issued = try await APITokens.issue(
            for: user.id, label: "registration", lifetime: req.tanggap.settings.apiTokenLifetime, now: req.now, on: req.db)
        try await Devices.recogniseProgram(of: user.id, label: "registration", on: req)
        return try await tokenResponse(issued, user: user, for: req)
    }

    @Sendable static func me(_ req: Request) async throws -> Me {
        try await describe(try req.requireSignedInUser(), on: req.db)
    }

    /// The person's own sessions and tokens, each with its device and last use.
    @Sendable static func signIns(_ req: Request) async throws -> SignIns.Listing {
        let user = try req.requireSignedInUser()
        return try await SignIns.list(
            of: user.id, currentSession: nil, currentToken: req.storage[BearerAuthenticationMiddleware.TokenID.self], now: req.now,
            on: req.db)
    }

    @Sendable static func endSession(_ req: Request) async throws -> HTTPStatus {
        let user = try req.requireSignedInUser()
        guard let id = Int64(try req.routeParameter("id")), try await SignIns.endSession(id, of: user.id, on: req.db) else {
            throw APIError.notFound
        }
        return .noContent
    }

    @Sendable static func revokeOwnToken(_ req: Request) async throws -> HTTPStatus {
        let user = try req.requireSignedInUser()
        guard let id = Int64(try req.routeParameter("id")), try await SignIns.revokeToken(id, of: user.id, now: req.now, on: req.db)
        else { throw APIError.notFound }
        return .noContent
    }

    /// Everything Tanggap holds about the person, as one ZIP (see `PersonalDataExport`).
    @Sendable static func export(_ req: Request) async throws -> Response {
        try await PersonalDataController.zipResponse(for: try req.requireSignedInUser(), on: req)
    }

    struct ErasureRequest: Content {
        var password: String?
    }

    /// Erases the account (see `AccountErasure`); the password is asked again, as for any change that cannot be undone.
    @Sendable static func eraseAccount(_ req: Request) async throws -> HTTPStatus {
        let user = try req.requireSignedInUser()
        try await req.enforceRateLimit(.signIn)
        let input = try req.decodeBody(ErasureRequest.self)
        try await AccountErasure.erase(user.id, password: input.password, now: req.now, on: req.db)
        return .noContent
    }

    static func describe(_ user: SignedInUser, on db: any Database) async throws -> Me {
        let ids = Set(user.grants.map(\.scope.institutionID) + (user.institutionID.map { [$0] } ?? []))
        let names = try await InstitutionDirectory.names(ids, on: db)
        return Me(
            id: user.id, name: user.name, email: user.email,
            institution: user.institutionID.map { Named(id: $0, name: names[$0] ?? "") },
            roles: user.grants.map {
                Grant(role: $0.role.rawValue, institution: Named(id: $0.scope.institutionID, name: names[$0.scope.institutionID] ?? ""))
            })
    }

    private static func tokenResponse(_ issued: APITokens.Issued, user: SignedInUser, for req: Request) async throws -> Response {
        let body = TokenIssued(
            token: issued.token, tokenType: "Bearer", expiresAt: issued.expiresAt, user: try await describe(user, on: req.db))
        let response = try await body.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
