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

/// The body of any report action; each action reads the fields it needs.
struct ActionBody: Content {
    var note: String?
    var text: String?
    var question: String?
    var reason: String?
    var comment: String?
    var institutionID: Int64?
    var userID: Int64?
    var archiveReason: String?
    var duplicateOf: String?
    var rating: String?
    var title: String?
    var classification: String?
    var categoryID: Int64?
    var subcategoryID: Int64?
    var tags: [String]?
    var attachments: [File]?

    enum CodingKeys: String, CodingKey {
        case note, text, question, reason, comment, rating, title, classification, tags, attachments
        case institutionID = "institution_id", userID = "user_id", archiveReason = "archive_reason"
        case duplicateOf = "duplicate_of", categoryID = "category_id", subcategoryID = "subcategory_id"
    }

    var request: ActionRequest {
        ActionRequest(
            note: note, text: text, question: question, reason: reason, comment: comment, institutionID: institutionID,
            userID: userID, archiveReason: archiveReason, duplicateOf: duplicateOf, rating: rating, title: title,
            classification: classification, categoryID: categoryID, subcategoryID: subcategoryID, tags: tags)
    }
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
