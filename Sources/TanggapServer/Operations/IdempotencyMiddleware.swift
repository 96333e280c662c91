import Crypto
import Foundation
import TanggapCore
import Vapor

/// Makes a POST that carries an idempotency key happen once (see `IdempotencyKeys`). The API's clients send the
/// `Idempotency-Key` header; the portal's forms carry a one-time `_form_key`, new at every rendering of the form,
/// so a double click or a resend after a dropped connection files once.
struct IdempotencyMiddleware: AsyncMiddleware {
    enum KeySource: Sendable {
        /// The `Idempotency-Key` header only (the API).
        case header
        /// The header, or the form's `_form_key` field (the pages).
        case headerOrForm
    }

    static let header: HTTPHeaders.Name = "Idempotency-Key"
    static let replayedHeader: HTTPHeaders.Name = "Idempotent-Replayed"
    static let formField = "_form_key"
    /// How long a retry waits for the first request with its key before it is told to come back.
    static let patience: Duration = .seconds(5)

    let keys: KeySource

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .POST || request.method == .PATCH, request.route?.isAnswerNeverKept != true else {
            return try await next.respond(to: request)
        }
        let headerKey = request.headers.first(name: Self.header)
        if keys == .header, headerKey == nil { return try await next.respond(to: request) }
        // The body is read here, before the route would, to know the request it belongs to (and, in a form, its key).
        try await collectBody(of: request)
        guard let key = try idempotencyKey(header: headerKey, of: request) else { return try await next.respond(to: request) }
        // A page's forms share its key: each form's post is its own request under it.
        let form = headerKey == nil ? " \(request.url.path)" : ""
        let holder = IdempotencyKeys.Holder(client: client(of: request) + form, key: key)
        let fingerprint = Self.fingerprint(of: request)
        let clock = ContinuousClock()
        let giveUp = clock.now.advanced(by: Self.patience)
        while true {
            switch try await IdempotencyKeys.claim(holder, fingerprint: fingerprint, now: request.now, on: request.db) {
            case .claimed(let id):
                return try await run(request, next, claim: id, holder: holder)
            case .done(let outcome):
                let response = outcome.response
                response.headers.replaceOrAdd(name: Self.replayedHeader, value: "true")
                return response
            case .mismatch:
                throw APIError(status: .unprocessableEntity, code: "idempotency_key_reused")
            case .running:
                guard clock.now < giveUp else {
                    throw APIError(status: .conflict, code: "idempotency_key_in_use", headers: ["Retry-After": "1"])
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Runs the request and keeps its outcome, or lets the key go when it was refused.
    private func run(
        _ request: Request, _ next: any AsyncResponder, claim id: Int64, holder: IdempotencyKeys.Holder
    ) async throws
        -> Response
    {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            try? await IdempotencyKeys.release(id, on: request.db)
            throw error
        }
        do {
            if Self.keeps(response.status), let body = Self.bodyData(of: response) {
                let headers = response.headers.map { [$0.name, $0.value] }
                let outcome = IdempotencyKeys.Outcome(status: response.status.code, headers: headers, body: body)
                try await IdempotencyKeys.complete(id, with: outcome, holder: holder, on: request.db)
            } else {
                try await IdempotencyKeys.release(id, on: request.db)
            }
        } catch {
            // The request has done its work; its answer still goes out. A retry waits for the claim to lapse.
            request.logger.warning("idempotency outcome not kept", metadata: ["error": .string(String(describing: error))])
        }
        return response
    }

    /// Whether the outcome is kept for the retries. Only a success is: a refusal changed nothing, so a retry runs
    /// again and may fare otherwise (a corrected field, a database back up, a rate limit passed), as in Stripe's API.
    static func keeps(_ status: HTTPResponseStatus) -> Bool {
        status.code < 400
    }

    /// The response's bytes when they are all in memory (a streamed body is not kept).
    private static func bodyData(of response: Response) -> Data? {
        if let buffer = response.body.buffer { return Data(buffer: buffer) }
        return response.body.count == 0 ? Data() : nil
    }

    private func collectBody(of request: Request) async throws {
        guard request.body.data == nil else { return }
        let limit = request.route?.bodyLimit ?? request.application.routes.defaultMaxBodySize.value
        _ = try await request.eventLoop.flatSubmit { request.body.collect(max: limit) }.get()
    }

    /// The key sent, when there is one: 1 to 255 visible ASCII characters, bare or as a structured-field string
    /// (`"…"`, as the IETF draft writes it).
    private func idempotencyKey(header: String?, of request: Request) throws -> String? {
        var raw = header
        if raw == nil, keys == .headerOrForm { raw = try? request.content.get(String.self, at: Self.formField) }
        guard var key = raw else { return nil }
        if key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = String(key.dropFirst().dropLast()) }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError(status: .badRequest, code: "idempotency_key_invalid")
        }
        return key
    }

    /// Who the key belongs to: the signed-in account, else the Open311 app (its key's public part: apps behind one
    /// address stay apart), else the browser (its form-token cookie) on the pages or the address on the API. Two
    /// clients may pick the same key without meeting.
    private func client(of request: Request) -> String {
        if let user = request.signedInUser { return "account:\(user.id)" }
        if let app = Open311Form.keyHolder(of: request) { return "open311:\(app)" }
        if keys == .headerOrForm, let browser = request.cookies[CSRF.cookieName]?.string { return "browser:\(browser)" }
        return "address:\(request.clientAddress)"
    }

    /// What makes two requests the same: method, path and query, media type and body. A client that retries may
    /// write its JSON again with the members in another order, or draw a new multipart boundary: JSON is read with
    /// its members sorted, and a multipart body without its boundary.
    static func fingerprint(of request: Request) -> String {
        var hasher = SHA256()
        let type = request.headers.contentType
        let typeName = type.map { "\($0.type)/\($0.subType)" } ?? ""
        hasher.update(data: Data("\(request.method.rawValue) \(request.url.path)?\(request.url.query ?? "")\n\(typeName)\n".utf8))
        let body = request.body.data.map { Data(buffer: $0) } ?? Data()
        if type == .json, let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]),
            let sorted = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        {
            hasher.update(data: sorted)
        } else if let boundary = type?.parameters["boundary"], !boundary.isEmpty {
            let marker = Data(boundary.utf8)
            var start = body.startIndex
            while let found = body.range(of: marker, in: start..<body.endIndex) {
                hasher.update(data: body[start..<found.lowerBound])
                start = found.upperBound
            }
            hasher.update(data: body[start..<body.endIndex])
        } else {
            hasher.update(data: body)
        }
        return Hex.string(Array(hasher.finalize()))
    }
}

extension Route {
    static let answerNeverKeptKey = "tanggap.answer_never_kept"

    /// Marks a route whose answer holds a credential (a new API token) or an opened identity: it is never kept for a
    /// replay, even sealed, and a retry simply runs again (signing in twice gives two tokens; an identity opened
    /// twice is recorded twice).
    @discardableResult
    func answerNeverKept() -> Route {
        userInfo[Self.answerNeverKeptKey] = true
        return self
    }

    var isAnswerNeverKept: Bool { userInfo[Self.answerNeverKeptKey] as? Bool == true }
}
