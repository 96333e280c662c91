import Foundation
import TanggapCore
import Vapor

/// What a form shows after a refused post: a sentence at the top and one beside each field at fault, in the
/// user's language. Everything typed is kept by the page's own view model.
struct FormFeedback: Encodable {
    var general: String?
    /// Field name → message. Files are reported under `attachments`, whichever file was at fault.
    var fields: [String: String] = [:]

    static let none = FormFeedback()

    /// The feedback for a refusal the user can act on; nil for anything else, which goes to the error page.
    static func from(_ error: any Error, on req: Request) -> (FormFeedback, HTTPStatus)? {
        let localizer = req.tanggap.localizer
        func message(_ code: String) -> String { localizer.text("error.\(code)", req.language) }
        switch error {
        case let failure as ValidationFailure:
            return (
                FormFeedback(general: message("validation_failed"), fields: fieldMessages(failure.errors, on: req)), .unprocessableEntity
            )
        case let error as APIError:
            return (FormFeedback(general: message(error.code), fields: fieldMessages(error.fields, on: req)), error.status)
        case let error as TransitionError:
            let api = error.apiError
            return (FormFeedback(general: message(api.code), fields: fieldMessages(api.fields, on: req)), api.status)
        default:
            return nil
        }
    }

    static func fieldMessages(_ errors: [FieldError], on req: Request) -> [String: String] {
        var messages: [String: String] = [:]
        for error in errors {
            let field = error.field.hasPrefix("attachments") ? "attachments" : error.field
            guard messages[field] == nil else { continue }
            messages[field] = req.tanggap.localizer.text(
                "field.\(error.code.rawValue)", req.language, ["limit": error.limit.map(String.init) ?? ""])
        }
        return messages
    }
}

extension Request {
    /// Runs a form post's work; a refusal the user can fix renders the form again through `refused`.
    func handlingForm(
        _ work: () async throws -> Response, refused: (FormFeedback, HTTPStatus) async throws -> Response
    ) async throws -> Response {
        do {
            return try await work()
        } catch {
            guard let (feedback, status) = FormFeedback.from(error, on: self) else { throw error }
            let response = try await refused(feedback, status)
            (error as? APIError)?.copyHeaders(to: response)
            return response
        }
    }
}
