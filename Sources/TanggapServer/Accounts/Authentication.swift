import Vapor

/// Signs in API requests that carry `Authorization: Bearer tg_…`. A bad token is an error, never a silent
/// fall-back to anonymous access. The API ignores cookies, so a browser session cannot be ridden into it.
struct BearerAuthenticationMiddleware: AsyncMiddleware {
    struct TokenID: StorageKey { typealias Value = Int64 }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let header = request.headers.first(name: .authorization) {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.invalidToken }
            let (user, tokenID) = try await APITokens.resolve(
                String(parts[1]).trimmingCharacters(in: .whitespaces), now: request.now, on: request.db)
            request.auth.login(user)
            request.storage[TokenID.self] = tokenID
        }
        return try await next.respond(to: request)
    }
}
