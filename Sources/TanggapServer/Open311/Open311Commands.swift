import Foundation
import Vapor

/// What `tanggap open311 keys …` needs from the server: the apps and their keys.
public struct Open311AppInfo: Sendable {
    public let name: String
    public let createdAt: Date
    public let revokedAt: Date?
    public let lastUsedAt: Date?
    public let reportsFiled: Int

    init(_ client: Open311Keys.Client) {
        (name, createdAt, revokedAt) = (client.name, client.created_at, client.revoked_at)
        (lastUsedAt, reportsFiled) = (client.last_used_at, client.reports_filed)
    }
}

/// Issues a key for a new app; the key is returned here once and kept nowhere but as its digest.
public func issueOpen311Key(name: String, app: Application) async throws -> (Open311AppInfo, key: String) {
    let (client, key) = try await Open311Keys.issue(name: name, by: nil, now: app.tanggap.clock.now(), on: app.db)
    return (Open311AppInfo(client), key)
}

public func open311Apps(app: Application) async throws -> [Open311AppInfo] {
    try await Open311Keys.all(on: app.db).map(Open311AppInfo.init)
}

public func revokeOpen311Key(name: String, app: Application) async throws -> Open311AppInfo {
    Open311AppInfo(try await Open311Keys.revoke(name: name, by: nil, now: app.tanggap.clock.now(), on: app.db))
}

/// What `tanggap open311 endpoints …` shows of a body's Open311 system.
public struct Open311EndpointInfo: Sendable {
    public let institutionID: Int64
    public let institution: String
    public let baseURL: String
    public let queued: Int
    public let followed: Int
    public let failed: Int
    public let lastSuccessAt: Date?
    public let lastError: String?

    init(_ health: Open311Endpoints.Health) {
        (institutionID, institution, baseURL) = (health.institution_id, health.institution, health.base_url)
        (queued, followed, failed) = (health.queued, health.followed, health.failed)
        (lastSuccessAt, lastError) = (health.last_success_at, health.last_error)
    }
}

public func open311Endpoints(app: Application) async throws -> [Open311EndpointInfo] {
    try await Open311Endpoints.health(on: app.db).map(Open311EndpointInfo.init)
}

/// Makes a node of the tree an Open311 endpoint; returns how many categories found no service of the same name.
public func addOpen311Endpoint(
    url: String, institutionID: Int64, apiKey: String, jurisdiction: String?, sendsContacts: Bool, defaultService: String?,
    app: Application
) async throws -> Int {
    try await Open311Endpoints.add(
        baseURL: url, institutionID: institutionID, apiKey: apiKey, jurisdiction: jurisdiction, sendsContacts: sendsContacts,
        defaultService: defaultService, by: nil, now: app.tanggap.clock.now(), on: app.db
    ).unmapped
}

public func mapOpen311Service(institutionID: Int64, categoryID: Int64, serviceCode: String, app: Application) async throws {
    try await Open311Endpoints.map(
        institutionID: institutionID, categoryID: categoryID, serviceCode: serviceCode, now: app.tanggap.clock.now(), on: app.db)
}

public func retryOpen311Endpoint(institutionID: Int64, app: Application) async throws -> Int {
    try await Open311Dispatch.retry(institutionID: institutionID, now: app.tanggap.clock.now(), on: app.db)
}
