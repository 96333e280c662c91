import Leaf
import Vapor

/// What every page's layout needs, beside the page's own view model.
struct PageFrame: Encodable {
    let lang: String
    let otherLang: String
    let path: String
    let signedIn: Bool
    let userName: String?
    let isStaff: Bool
    /// Back-office pages use the whole width of the screen.
    let wide: Bool
    let csrf: String
    /// A form's one-time key, new at every rendering: a double click or a resend files once (`IdempotencyMiddleware`).
    let formKey: String

    init(_ req: Request) {
        lang = req.language.rawValue
        otherLang = req.language == .id ? "en" : "id"
        path = req.url.path
        signedIn = req.signedInUser != nil
        userName = req.signedInUser?.name
        isStaff = req.signedInUser?.isStaff ?? false
        wide = req.url.path.hasPrefix("/kelola/")
        csrf = CSRF.token(for: req)
        formKey = APITokens.randomHex(bytes: 16)
    }
}

/// A page's view model together with the frame.
struct FramedPage<Content: Encodable>: Encodable {
    let frame: PageFrame
    let page: Content
}

extension Request {
    /// Renders `template` with `content`; pages are never cached by shared caches.
    func renderPage<Content: Encodable>(_ template: String, _ content: Content, status: HTTPStatus = .ok) async throws -> Response {
        let view = try await leaf.render(template, FramedPage(frame: PageFrame(self), page: content))
        let response = try await view.encodeResponse(status: status, for: self)
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        response.headers.replaceOrAdd(name: .contentLanguage, value: language.rawValue)
        return response
    }

    /// Renders a form again after `error`, with the refusal's status and headers (`Retry-After` for a rate limit).
    func renderRefusal<Content: Encodable>(_ template: String, _ content: Content, for error: APIError) async throws -> Response {
        let response = try await renderPage(template, content, status: error.status)
        error.copyHeaders(to: response)
        return response
    }

    /// Sends the browser on with a GET (after a form post).
    func seeOther(_ location: String) -> Response {
        let response = Response(status: .seeOther)
        response.headers.replaceOrAdd(name: .location, value: location)
        return response
    }
}

/// Only paths on this site may be returned to after signing in: `/kelola`, not `//evil.example`.
func localPath(_ candidate: String?, otherwise fallback: String) -> String {
    guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.contains("\\"),
        candidate.count < 500, candidate.allSatisfy({ $0.isASCII && !$0.isWhitespace })
    else { return fallback }
    return candidate
}
