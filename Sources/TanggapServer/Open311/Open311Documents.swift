import Foundation

/// The documents of GeoReport v2 (open311.org), field for field as the spec names them, and the extensions city
/// apps read from FixMyStreet (`extended_status`, `servicerequestupdates`). Absent values are left out.
enum Open311Document {
    /// Service Discovery: where this jurisdiction's endpoint is and what it speaks.
    struct Discovery: Encodable, Sendable {
        let changeset: String
        let contact: String
        let key_service: String
        let endpoints: Open311List<Endpoint>
    }

    struct Endpoint: Encodable, Sendable {
        let specification: String
        let url: String
        let changeset: String
        let type: String
        let formats: Open311List<String>
    }

    /// One service: a category of the taxonomy.
    struct Service: Encodable, Sendable {
        let service_code: String
        let service_name: String
        let description: String
        let metadata: Bool
        let type: String
        let keywords: String
        let group: String
    }

    struct ServiceDefinition: Encodable, Sendable {
        let service_code: String
        let attributes: Open311List<Attribute>
    }

    struct Attribute: Encodable, Sendable {
        let variable: Bool
        let code: String
        let datatype: String
        let required: Bool
        let datatype_description: String
        let order: Int
        let description: String
        let values: Open311List<Value>?
    }

    struct Value: Encodable, Sendable {
        let key: String
        let name: String
    }

    /// The answer to a new request: the tracking ID at once (intake is synchronous, so no token is needed).
    struct Created: Encodable, Sendable {
        let service_request_id: String
        let service_notice: String
        let account_id: String?
    }

    /// `tokens/{token}`: the request a token stands for. Tanggap's tokens are its tracking IDs.
    struct TokenAnswer: Encodable, Sendable {
        let service_request_id: String
        let token: String
    }

    /// One request as the public may see it: no personal data, never a rahasia report.
    struct Request: Encodable, Sendable {
        let service_request_id: String
        let status: String
        let extended_status: String
        let status_notes: String?
        let service_name: String?
        let service_code: String?
        let description: String
        let agency_responsible: String
        let service_notice: String?
        let requested_datetime: String
        let updated_datetime: String
        let expected_datetime: String?
        let address: String?
        let address_id: String?
        let zipcode: String?
        let lat: Double?
        let long: Double?
        let media_url: String?
    }

    /// FixMyStreet's `servicerequestupdates`: one public step of a request.
    struct Update: Encodable, Sendable {
        let update_id: String
        let service_request_id: String
        let status: String
        let extended_status: String
        let updated_datetime: String
        let description: String
        let media_url: String?
    }

    /// An error, as the spec writes it: the HTTP status and a description in the client's language.
    struct Failure: Encodable, Sendable {
        let code: Int
        let description: String
    }
}
