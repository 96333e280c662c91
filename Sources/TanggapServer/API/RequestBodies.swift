import TanggapCore
import Vapor

extension Request {
    /// Decodes JSON or multipart into `T`; anything else is refused as an unsupported media type.
    func decodeBody<T: Content>(_ type: T.Type) throws -> T {
        guard let contentType = headers.contentType,
            contentType == .json || contentType.type == "multipart" && contentType.subType == "form-data"
                || contentType == .urlEncodedForm
        else { throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type") }
        do {
            return try content.decode(T.self)
        } catch let error as DecodingError {
            throw error
        } catch let error as any AbortError {
            throw error
        } catch {
            // A body the parser cannot read at all (a broken multipart stream, say) is the client's error.
            throw APIError(status: .badRequest, code: "malformed_request")
        }
    }
}

extension Array where Element == File {
    var uploads: [Upload] {
        map { Upload(name: $0.filename, data: Data(buffer: $0.data)) }.filter { !($0.name.isEmpty && $0.data.isEmpty) }
    }
}

/// A new citizen account, from the API or the portal's registration form.
struct NewAccountBody: Content {
    var name: String?
    var email: String?
    var password: String?
    var phone: String?
}
