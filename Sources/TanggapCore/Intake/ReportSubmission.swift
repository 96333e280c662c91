/// A report as it arrives from any surface, before any check: every field as the sender typed it.
public struct ReportSubmission: Hashable, Sendable {
    public var classification: String?
    public var title: String?
    public var body: String?
    public var eventDate: String?
    public var locationText: String?
    public var regionID: Int64?
    public var latitude: Double?
    public var longitude: Double?
    public var categoryID: Int64?
    public var subcategoryID: Int64?
    public var targetInstitutionID: Int64?
    public var isAnonymous: Bool
    public var isConfidential: Bool
    public var channel: String?
    public var reporterName: String?
    public var reporterEmail: String?
    public var reporterPhone: String?

    public init(
        classification: String? = nil, title: String? = nil, body: String? = nil, eventDate: String? = nil,
        locationText: String? = nil, regionID: Int64? = nil, latitude: Double? = nil, longitude: Double? = nil,
        categoryID: Int64? = nil, subcategoryID: Int64? = nil, targetInstitutionID: Int64? = nil,
        isAnonymous: Bool = false, isConfidential: Bool = false, channel: String? = nil,
        reporterName: String? = nil, reporterEmail: String? = nil, reporterPhone: String? = nil
    ) {
        self.classification = classification
        self.title = title
        self.body = body
        self.eventDate = eventDate
        self.locationText = locationText
        self.regionID = regionID
        self.latitude = latitude
        self.longitude = longitude
        self.categoryID = categoryID
        self.subcategoryID = subcategoryID
        self.targetInstitutionID = targetInstitutionID
        self.isAnonymous = isAnonymous
        self.isConfidential = isConfidential
        self.channel = channel
        self.reporterName = reporterName
        self.reporterEmail = reporterEmail
        self.reporterPhone = reporterPhone
    }
}

/// The names on the wire, for the API's JSON and multipart bodies and the portal's form alike.
extension ReportSubmission: Codable {
    enum CodingKeys: String, CodingKey {
        case classification, title, body, latitude, longitude, channel
        case eventDate = "event_date", locationText = "location_text", regionID = "region_id"
        case categoryID = "category_id", subcategoryID = "subcategory_id", targetInstitutionID = "target_institution_id"
        case isAnonymous = "is_anonymous", isConfidential = "is_confidential"
        case reporterName = "reporter_name", reporterEmail = "reporter_email", reporterPhone = "reporter_phone"
    }

    /// Anonim and rahasia are off unless asked for.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            classification: try c.decodeIfPresent(String.self, forKey: .classification),
            title: try c.decodeIfPresent(String.self, forKey: .title), body: try c.decodeIfPresent(String.self, forKey: .body),
            eventDate: try c.decodeIfPresent(String.self, forKey: .eventDate),
            locationText: try c.decodeIfPresent(String.self, forKey: .locationText),
            regionID: try c.decodeIfPresent(Int64.self, forKey: .regionID),
            latitude: try c.decodeIfPresent(Double.self, forKey: .latitude),
            longitude: try c.decodeIfPresent(Double.self, forKey: .longitude),
            categoryID: try c.decodeIfPresent(Int64.self, forKey: .categoryID),
            subcategoryID: try c.decodeIfPresent(Int64.self, forKey: .subcategoryID),
            targetInstitutionID: try c.decodeIfPresent(Int64.self, forKey: .targetInstitutionID),
            isAnonymous: try c.decodeIfPresent(Bool.self, forKey: .isAnonymous) ?? false,
            isConfidential: try c.decodeIfPresent(Bool.self, forKey: .isConfidential) ?? false,
            channel: try c.decodeIfPresent(String.self, forKey: .channel),
            reporterName: try c.decodeIfPresent(String.self, forKey: .reporterName),
            reporterEmail: try c.decodeIfPresent(String.self, forKey: .reporterEmail),
            reporterPhone: try c.decodeIfPresent(String.self, forKey: .reporterPhone))
    }
}

/// Who files a report, as far as the intake rules care.
public enum Submitter: Hashable, Sendable {
    /// Someone without an account: the report gets a secret to follow it.
    case visitor
    /// A signed-in citizen or staff member filing on their own behalf (or, for an operator, on someone's).
    case user(UserActor)
    /// A channel adapter (SMS, WhatsApp, e-mail) speaking for the sender of a message.
    case channelGateway
}

/// A report that passed every check that needs no database. The server still checks that the category,
/// region and institution it names exist.
public struct ValidReport: Hashable, Sendable {
    public let classification: Classification
    public let title: String
    public let body: String
    public let eventDate: LocalDate?
    public let locationText: String?
    public let regionID: Int64?
    public let coordinates: Coordinates?
    public let categoryID: Int64?
    public let subcategoryID: Int64?
    public let targetInstitutionID: Int64?
    public let isAnonymous: Bool
    public let isConfidential: Bool
    public let channel: Channel
    public let reporterName: String?
    public let reporterEmail: String?
    public let reporterPhone: String?
}

public struct Coordinates: Hashable, Sendable, Codable {
    public let latitude: Double
    public let longitude: Double
}
