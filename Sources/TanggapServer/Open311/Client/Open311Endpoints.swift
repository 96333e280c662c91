import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Institution nodes whose own system takes reports over Open311 (a municipal CRM, a FixMyStreet): a report
/// dispatched to such a node is sent there (`Open311Dispatch`) and followed until the body is done (`Open311Poller`).
enum Open311Endpoints {
    struct Endpoint: Decodable, Sendable {
        let institution_id: Int64
        let base_url: String
        let jurisdiction_id: String?
        let api_key: String
        let service_map: String
        let default_service_code: String?
        let sends_contacts: Bool
        let last_success_at: Date?
        let last_error: String?
        let last_error_at: Date?
        let last_polled_at: Date?

        /// {category id: the body's service code}.
        var serviceMap: [String: String] { (try? JSONDecoder().decode([String: String].self, from: Data(service_map.utf8))) ?? [:] }

        /// The body's service for a report: its sub-category's, else its category's, else the endpoint's default.
        func serviceCode(category: Int64?, subcategory: Int64?) -> String? {
            let map = serviceMap
            return subcategory.flatMap { map[String($0)] } ?? category.flatMap { map[String($0)] } ?? default_service_code
        }

        func url(_ document: String) -> String {
            (base_url.hasSuffix("/") ? String(base_url.dropLast()) : base_url) + "/" + document
        }
    }

    private static let columns = """
        institution_id, base_url, jurisdiction_id, api_key, service_map, default_service_code, sends_contacts, last_success_at, \
        last_error, last_error_at, last_polled_at
        """

    static func find(atNode institutionID: Int64, on db: any Database) async throws -> Endpoint? {
        try await db.sql.raw("SELECT \(unsafeRaw: columns) FROM open311_endpoints WHERE institution_id = \(bind: institutionID)")
            .first(decoding: Endpoint.self)
    }

    static func all(on db: any Database) async throws -> [Endpoint] {
        try await db.sql.raw("SELECT \(unsafeRaw: columns) FROM open311_endpoints ORDER BY institution_id").all(decoding: Endpoint.self)
    }

    /// What the endpoint's `services.json` lists, as far as mapping needs it.
    struct RemoteService: Decodable {
        let service_code: String
        let service_name: String
    }

    /// Makes `institutionID` an Open311 endpoint: reads the body's services and maps each of the taxonomy's categories
    /// to the service of the same name. Returns the endpoint and the categories left without a service (they go to
    /// `defaultService`, or the dispatch fails until the admin maps them).
    static func add(
        baseURL: String, institutionID: Int64, apiKey: String, jurisdiction: String?, sendsContacts: Bool, defaultService: String?,
        by userID: Int64?, now: Date, on db: any Database
    ) async throws -> (Endpoint, unmapped: Int) {
        guard let url = URLComponents(string: baseURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw APIError.field("url", .invalid)
        }
        guard try await InstitutionDirectory.find(institutionID, on: db) != nil else { throw APIError.field("institution", .unknown) }
        guard try await Peers.route(atNode: institutionID, on: db) == nil else { throw APIError.field("institution", .notAllowed) }
        guard !apiKey.isEmpty, apiKey.count <= 500 else { throw APIError.field("api_key", .invalid) }
        var query = ""
        if let jurisdiction {
            query = "?jurisdiction_id=" + (jurisdiction.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let data = try await GatewayHTTP.call("open311", .GET, base + "/services.json" + query, timeout: .seconds(30))
        let services = try JSONDecoder().decode([RemoteService].self, from: data)
        let byName = Dictionary(services.map { ($0.service_name.lowercased(), $0.service_code) }) { first, _ in first }
        struct Category: Decodable {
            let id: Int64
            let name: String
        }
        let categories = try await db.sql.raw("SELECT id, name FROM categories WHERE is_active = \(bind: true)").all(
            decoding: Category.self)
        var map: [String: String] = [:]
        for category in categories { map[String(category.id)] = byName[category.name.lowercased()] }
        let mapJSON = String(decoding: try JSONEncoder().encode(map), as: UTF8.self)
        try await db.transaction { db in
            try await db.sql.raw("DELETE FROM open311_endpoints WHERE institution_id = \(bind: institutionID)").run()
            try await db.sql.raw(
                """
                INSERT INTO open311_endpoints (institution_id, base_url, jurisdiction_id, api_key, service_map, default_service_code,
                    sends_contacts, created_at)
                VALUES (\(bind: institutionID), \(bind: base), \(bind: jurisdiction), \(bind: apiKey), \(bind: mapJSON),
                    \(bind: defaultService), \(bind: sendsContacts), \(bind: now))
                """
            ).run()
            try await AdminAudit.record(
                "open311_endpoint_set", ["url": base, "services": String(services.count)], by: userID, at: institutionID, now: now, on: db)
        }
        guard let endpoint = try await find(atNode: institutionID, on: db) else { throw APIError.notFound }
        return (endpoint, categories.count - map.count)
    }

    /// Maps one category to one of the body's services, by hand.
    static func map(institutionID: Int64, categoryID: Int64, serviceCode: String, now: Date, on db: any Database) async throws {
        guard let endpoint = try await find(atNode: institutionID, on: db) else { throw APIError.notFound }
        var map = endpoint.serviceMap
        map[String(categoryID)] = serviceCode
        let json = String(decoding: try JSONEncoder().encode(map), as: UTF8.self)
        try await db.sql.raw("UPDATE open311_endpoints SET service_map = \(bind: json) WHERE institution_id = \(bind: institutionID)").run()
    }

    static func noteSuccess(_ institutionID: Int64, now: Date, on db: any Database) async throws {
        try await db.sql.raw("UPDATE open311_endpoints SET last_success_at = \(bind: now) WHERE institution_id = \(bind: institutionID)")
            .run()
    }

    static func noteError(_ institutionID: Int64, _ error: String, now: Date, on db: any Database) async throws {
        try await db.sql.raw(
            """
            UPDATE open311_endpoints SET last_error = \(bind: String(error.prefix(500))), last_error_at = \(bind: now)
            WHERE institution_id = \(bind: institutionID)
            """
        ).run()
    }

    /// An endpoint's health, for the admin: what waits, what is followed, what was given up, and the last word each way.
    struct Health: Decodable, Sendable {
        let institution_id: Int64
        let institution: String
        let base_url: String
        let queued: Int
        let followed: Int
        let failed: Int
        let last_success_at: Date?
        let last_error: String?
        let last_error_at: Date?
        let last_polled_at: Date?
    }

    static func health(on db: any Database) async throws -> [Health] {
        try await db.sql.raw(
            """
            SELECT e.institution_id, i.name AS institution, e.base_url,
                (SELECT COUNT(*) FROM open311_dispatches d WHERE d.institution_id = e.institution_id AND d.state = 'queued') AS queued,
                (SELECT COUNT(*) FROM open311_dispatches d WHERE d.institution_id = e.institution_id AND d.state = 'sent') AS followed,
                (SELECT COUNT(*) FROM open311_dispatches d WHERE d.institution_id = e.institution_id AND d.state = 'failed') AS failed,
                e.last_success_at, e.last_error, e.last_error_at, e.last_polled_at
            FROM open311_endpoints e JOIN institutions i ON i.id = e.institution_id ORDER BY i.name
            """
        ).all(decoding: Health.self)
    }
}
