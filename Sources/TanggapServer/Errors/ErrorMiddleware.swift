import Foundation
import TanggapCore
import Vapor

/// Turns every error into the documented shape, `{"error": {"code", "message", "fields"}}`, in the request's
/// language. Unexpected errors are logged with the request id and answered without details.
struct TanggapErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            if request.isPageRequest, let page = try? await Self.page(for: error, on: request) { return page }
            return Self.response(for: error, on: request)
        }
    }

    /// The same error as a page, for people in a browser.
    static func page(for error: any Error, on request: Request) async throws -> Response {
        let apiError = classify(error, on: request)
        struct ErrorPage: Encodable {
            let status: Int
            let message: String
        }
        let message = request.tanggap.localizer.text("error.\(apiError.code)", request.language)
        return try await request.renderRefusal("error", ErrorPage(status: Int(apiError.status.code), message: message), for: apiError)
    }

    static func response(for error: any Error, on request: Request) -> Response {
        let apiError = classify(error, on: request)
        let localizer = request.tanggap.localizer
        let language = request.language
        let body = ErrorBody(
            error: .init(
                code: apiError.code,
                message: localizer.text("error.\(apiError.code)", language),
                fields: apiError.fields.map { field in
                    ErrorBody.Field(
                        field: field.field, code: field.code.rawValue,
                        message: localizer.text("field.\(field.code.rawValue)", language, ["limit": field.limit.map(String.init) ?? ""]),
                        limit: field.limit)
                }))
        var headers = apiError.headers
        headers.contentType = .json
        headers.replaceOrAdd(name: .contentLanguage, value: language.rawValue)
        let data = (try? JSONEncoder().encode(body)) ?? Data("{}".utf8)
        return Response(status: apiError.status, headers: headers, body: .init(data: data))
    }

    static func classify(_ error: any Error, on request: Request) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ValidationFailure:
            return .validation(error)
        case let error as TransitionError:
            return error.apiError
        case let error as DecodingError:
            return decodingError(error)
        case let error as any AbortError:
            switch error.status {
            case .notFound: return .notFound
            case .payloadTooLarge: return APIError(status: .payloadTooLarge, code: "payload_too_large")
            case .unsupportedMediaType: return APIError(status: .unsupportedMediaType, code: "unsupported_media_type")
            case .methodNotAllowed: return APIError(status: .methodNotAllowed, code: "method_not_allowed")
            case .unauthorized: return .authenticationRequired
            case .forbidden: return .forbidden
            case .badRequest, .unprocessableEntity:
                request.logger.info("bad request", metadata: ["reason": .string(error.reason)])
                return APIError(status: .badRequest, code: "malformed_request")
            default:
                if error.status.code >= 500 { break }
                return APIError(status: error.status, code: "request_refused")
            }
        default:
            break
        }
        if let fault = DatabaseFault.of(error) {
            request.logger.warning(
                "request refused: the database cannot take it now", metadata: ["error": .string(String(describing: error))])
            request.tanggap.databaseWatch.noteFailure(error)
            return .fault(fault)
        }
        request.logger.report(error: error)
        return APIError(status: .internalServerError, code: "internal_error")
    }

    /// A body that is valid JSON but has a wrong type becomes a field error; broken JSON is malformed.
    private static func decodingError(_ error: DecodingError) -> APIError {
        func fieldName(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            guard !context.codingPath.isEmpty else { return APIError(status: .badRequest, code: "malformed_request") }
            return .field(fieldName(context.codingPath), .invalid)
        case .dataCorrupted(let context):
            guard !context.codingPath.isEmpty else { return APIError(status: .badRequest, code: "malformed_request") }
            return .field(fieldName(context.codingPath), .invalid)
        case .keyNotFound(let key, let context):
            return .field(fieldName(context.codingPath + [key]), .required)
        @unknown default:
            return APIError(status: .badRequest, code: "malformed_request")
        }
    }
}

extension Request {
    /// Pages answer errors with pages; the API, health checks and files answer with JSON.
    var isPageRequest: Bool {
        let path = url.path
        return !path.hasPrefix("/api/") && !path.hasPrefix("/webhooks/") && !path.hasPrefix("/federation/")
            && !path.hasPrefix("/.well-known/") && !path.hasPrefix("/open311/") && path != "/healthz" && path != "/readyz"
    }
}

struct ErrorBody: Codable {
    struct Field: Codable {
        let field: String
        let code: String
        let message: String
        let limit: Int?
    }

    struct Detail: Codable {
        let code: String
        let message: String
        let fields: [Field]
    }

    let error: Detail
}
