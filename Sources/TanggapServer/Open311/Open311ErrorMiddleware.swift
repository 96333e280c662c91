import Foundation
import TanggapCore
import Vapor

/// Every error under `/open311/v2` in the spec's shape: a list of `{code, description}` (JSON) or
/// `<errors><error>` (XML), with the HTTP status as the code and one entry per field that is wrong, named as the
/// client sent it (`description`, not Tanggap's `body`).
struct Open311ErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return Self.response(for: TanggapErrorMiddleware.classify(error, on: request), on: request)
        }
    }

    static func response(for error: APIError, on request: Request) -> Response {
        // The spec has one status for a request that is wrong in itself: 400, where the API says 422.
        let httpStatus: HTTPResponseStatus = error.status == .unprocessableEntity ? .badRequest : error.status
        let status = Int(httpStatus.code)
        var failures = error.fields.map { field in
            Open311Document.Failure(
                code: status,
                description: "\(wireName(field.field)): "
                    + request.text("field.\(field.code.rawValue)", ["limit": field.limit.map(String.init) ?? ""]))
        }
        if failures.isEmpty { failures = [.init(code: status, description: request.text("error.\(error.code)"))] }
        let format = Open311Format.of(request)
        let response =
            (try? format.response(Open311List("error", failures), root: "errors", status: httpStatus))
            ?? Response(status: httpStatus)
        for (name, value) in error.headers where name.lowercased() != "content-type" {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        response.headers.replaceOrAdd(name: .contentLanguage, value: request.language.rawValue)
        return response
    }

    /// The Open311 name of a field intake checked under its own name.
    static func wireName(_ field: String) -> String {
        let names = [
            "body": "description", "title": "attribute[title]", "latitude": "lat", "longitude": "long",
            "location_text": "address_string", "region_id": "attribute[region]", "event_date": "attribute[event_date]",
            "classification": "attribute[classification]", "reporter_email": "email", "reporter_phone": "phone",
            "reporter_name": "first_name", "category_id": "service_code", "subcategory_id": "service_code",
        ]
        return names[field] ?? field
    }
}
