import TanggapCore
import Vapor

/// A new report as JSON or as multipart form data (with `attachments[]` files).
struct SubmitReportBody: Content {
    var classification: String?
    var title: String?
    var body: String?
    var eventDate: String?
    var locationText: String?
    var regionID: Int64?
    var latitude: Double?
    var longitude: Double?
    var categoryID: Int64?
    var subcategoryID: Int64?
    var targetInstitutionID: Int64?
    var isAnonymous: Bool?
    var isConfidential: Bool?
    var channel: String?
    var reporterName: String?
    var reporterEmail: String?
    var reporterPhone: String?
    var attachments: [File]?

    enum CodingKeys: String, CodingKey {
        case classification, title, body, latitude, longitude, channel, attachments
        case eventDate = "event_date", locationText = "location_text", regionID = "region_id"
        case categoryID = "category_id", subcategoryID = "subcategory_id", targetInstitutionID = "target_institution_id"
        case isAnonymous = "is_anonymous", isConfidential = "is_confidential"
        case reporterName = "reporter_name", reporterEmail = "reporter_email", reporterPhone = "reporter_phone"
    }

    var submission: ReportSubmission {
        ReportSubmission(
            classification: classification, title: title, body: body, eventDate: eventDate, locationText: locationText,
            regionID: regionID, latitude: latitude, longitude: longitude, categoryID: categoryID,
            subcategoryID: subcategoryID, targetInstitutionID: targetInstitutionID, isAnonymous: isAnonymous ?? false,
            isConfidential: isConfidential ?? false, channel: channel, reporterName: reporterName,
            reporterEmail: reporterEmail, reporterPhone: reporterPhone)
    }
}

/// The body of any report action: the action's fields (see `ActionRequest`) and, for the actions that take
/// them, files as `attachments[]`.
struct ActionBody: Content {
    var request = ActionRequest()
    var attachments: [File]?

    init() {}

    init(from decoder: any Decoder) throws {
        request = try ActionRequest(from: decoder)
        attachments = try decoder.container(keyedBy: FileKey.self).decodeIfPresent([File].self, forKey: .attachments)
    }

    func encode(to encoder: any Encoder) throws {
        try request.encode(to: encoder)
    }

    private enum FileKey: String, CodingKey { case attachments }
}

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
