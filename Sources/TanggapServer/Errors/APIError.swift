import TanggapCore
import Vapor

/// An error the API documents: an HTTP status, a stable code, and field problems when there are any.
/// The message is looked up by code in the user's language (`error.<code>` in the locale files).
struct APIError: Error, Sendable {
    let status: HTTPResponseStatus
    let code: String
    var fields: [FieldError] = []
    var headers: HTTPHeaders = [:]

    /// Puts this error's headers (`Retry-After`, `WWW-Authenticate`) on a response built for it.
    func copyHeaders(to response: Response) {
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
    }

    static func validation(_ failure: ValidationFailure) -> APIError {
        APIError(status: .unprocessableEntity, code: "validation_failed", fields: failure.errors)
    }

    static func field(_ name: String, _ code: FieldError.Code) -> APIError {
        .validation(ValidationFailure([FieldError(name, code)]))
    }

    static let reportNotFound = APIError(status: .notFound, code: "report_not_found")
    static let notFound = APIError(status: .notFound, code: "not_found")
    static let authenticationRequired = APIError(
        status: .unauthorized, code: "authentication_required", headers: ["WWW-Authenticate": "Bearer"])
    static let invalidToken = APIError(
        status: .unauthorized, code: "invalid_token", headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
    static let tokenExpired = APIError(
        status: .unauthorized, code: "token_expired", headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
    static let invalidCredentials = APIError(status: .unauthorized, code: "invalid_credentials")
    static let forbidden = APIError(status: .forbidden, code: "forbidden")
    /// The account must enrol a second factor before it may do anything else.
    static let secondFactorRequired = APIError(status: .forbidden, code: "second_factor_required")
    /// The code from the authenticator app (or a recovery code) is missing, wrong, used or expired.
    static let invalidSecondFactor = APIError(status: .unauthorized, code: "invalid_second_factor")
    static let secondFactorEnrolled = APIError(status: .conflict, code: "second_factor_enrolled")
    /// Five wrong codes after one right password: the person starts again from the password.
    static let tooManyWrongCodes = APIError(status: .unauthorized, code: "too_many_wrong_codes")
    static let emailTaken = APIError(status: .conflict, code: "email_taken", fields: [FieldError("email", .notAllowed)])

    /// A storage fault: nothing was saved. Waiting helps a database that is down or slow; a full disk needs
    /// an operator, but the client may still try again later.
    static func fault(_ fault: DatabaseFault) -> APIError {
        let retry: HTTPHeaders = ["Retry-After": String(DatabaseFault.retryAfterSeconds)]
        return switch fault {
        case .unavailable: APIError(status: .serviceUnavailable, code: "database_unavailable", headers: retry)
        case .storageFull: APIError(status: .insufficientStorage, code: "storage_full", headers: retry)
        }
    }

    /// The attachments' folder or bucket did not take a file: the report was not filed.
    static let attachmentStorageUnavailable = APIError(
        status: .serviceUnavailable, code: "attachment_storage_unavailable", headers: ["Retry-After": "30"])

    static func rateLimited(retryAfter seconds: Int) -> APIError {
        APIError(status: .tooManyRequests, code: "rate_limited", headers: ["Retry-After": String(seconds)])
    }

    /// The account waits out a run of failed sign-ins (see `SignInThrottle`), from whatever address.
    static func accountLocked(retryAfter seconds: Int) -> APIError {
        APIError(status: .tooManyRequests, code: "account_locked", headers: ["Retry-After": String(seconds)])
    }
}

extension TransitionError {
    /// How a refused action is answered over HTTP.
    var apiError: APIError {
        switch self {
        case .wrongState: APIError(status: .conflict, code: code)
        case .forbidden: APIError(status: .forbidden, code: code)
        case .rejected(_, let rejection):
            switch rejection {
            case .alreadyRated, .alreadyEscalated, .sameHolder: APIError(status: .conflict, code: code)
            default: APIError(status: .unprocessableEntity, code: code)
            }
        case .invalid(let failure): .validation(failure)
        }
    }
}
