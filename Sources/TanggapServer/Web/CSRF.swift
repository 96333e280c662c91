import Foundation
import Vapor

/// Forms carry a token that must match a cookie only this site can set (double submit): a page elsewhere can
/// make a browser post, but cannot read or set the token.
enum CSRF {
    static let cookieName = "tanggap_csrf"
    static let field = "_csrf"

    /// The form token for this request, creating the cookie on the response when there is none yet.
    static func token(for req: Request, response: Response? = nil) -> String {
        if let existing = req.cookies[cookieName]?.string, existing.count == 64 { return existing }
        if let pending = req.storage[Pending.self] { return pending }
        let token = APITokens.randomHex(bytes: 32)
        req.storage[Pending.self] = token
        return token
    }

    /// Refuses a form post whose token does not match the cookie.
    static func verify(_ req: Request) throws {
        let sent = sentToken(req)
        guard let expected = req.cookies[cookieName]?.string, !sent.isEmpty, constantTimeEqual(sent, expected) else {
            throw APIError(status: .forbidden, code: "csrf_failed")
        }
    }

    /// The token the form sent. From an ordinary form it is picked out of the body directly: decoding the whole
    /// form for one field cost as much as the handler's own decoding of it.
    private static func sentToken(_ req: Request) -> String {
        guard req.headers.contentType == .urlEncodedForm, let body = req.body.string else {
            return (try? req.content.get(String.self, at: field)) ?? ""
        }
        let prefix = field + "="
        guard let pair = body.split(separator: "&").first(where: { $0.hasPrefix(prefix) }) else { return "" }
        return String(pair.dropFirst(prefix.count)).removingPercentEncoding ?? ""
    }

    static func cookie(_ value: String, on req: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: value, expires: nil, path: "/", isSecure: req.tanggap.settings.secureCookies,
            isHTTPOnly: true, sameSite: .strict)
    }

    struct Pending: StorageKey { typealias Value = String }
}

/// Sets the form-token cookie when a page handed out a new token.
struct CSRFCookieMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let token = request.storage[CSRF.Pending.self], response.cookies[CSRF.cookieName] == nil {
            response.cookies[CSRF.cookieName] = CSRF.cookie(token, on: request)
        }
        return response
    }
}
