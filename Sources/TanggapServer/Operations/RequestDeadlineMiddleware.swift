import Vapor

/// No request waits for ever: past `limit` the client hears 503 with Retry-After, whatever the request was
/// waiting for. The database's own waits have shorter deadlines (`Settings.databaseDeadline`); this is the
/// net under everything else, so that a client and a load balancer always get an answer they can act on.
struct RequestDeadlineMiddleware: AsyncMiddleware {
    let limit: Duration

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await withDeadline(limit, "\(request.method) \(request.url.path)") { try await next.respond(to: request) }
    }
}
