import Vapor

/// Refuses a state-changing request that carries this site's cookies but was started by another site — the
/// second line behind the forms' CSRF tokens, and the only one for anything posted without one. Browsers say
/// where a request came from (`Sec-Fetch-Site`, and `Origin` on every POST); a request without cookies (the
/// API with its bearer tokens, a gateway's webhook) rides no one's session and is left to its own checks.
struct SameOriginCheckMiddleware: AsyncMiddleware {
    /// The deployment's own origin (`TANGGAP_PUBLIC_URL`), accepted beside the request's `Host`.
    let publicOrigin: String?

    init(publicURL: String) {
        publicOrigin = URI(string: publicURL).host.map { host in
            let uri = URI(string: publicURL)
            return uri.port.map { "\(host):\($0)" } ?? host
        }
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if Self.changesState(request.method), request.headers.first(name: .cookie) != nil, !isSameOrigin(request) {
            throw APIError(status: .forbidden, code: "csrf_failed")
        }
        return try await next.respond(to: request)
    }

    static func changesState(_ method: HTTPMethod) -> Bool { ![.GET, .HEAD, .OPTIONS].contains(method) }

    func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers.first(name: "Sec-Fetch-Site")?.lowercased(), site != "same-origin", site != "none" {
            return false
        }
        guard let origin = request.headers.first(name: .origin) else { return true }
        // "null" (a sandboxed frame, a redirect across sites) is never this site.
        let uri = URI(string: origin)
        guard let host = uri.host, origin != "null" else { return false }
        let authority = uri.port.map { "\(host):\($0)" } ?? host
        let requestHost = request.headers.first(name: .host)
        return authority.lowercased() == requestHost?.lowercased() || authority.lowercased() == publicOrigin?.lowercased()
    }
}
