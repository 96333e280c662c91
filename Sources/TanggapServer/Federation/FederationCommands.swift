import Foundation
import Vapor

/// What `tanggap federation …` needs from the server: the identity, its keys, and the peer list.

public struct FederationIdentityInfo: Sendable {
    public struct Key: Sendable {
        public let id: String
        public let fingerprint: String
        public let expiresAt: Date?
    }
    public let instanceID: String
    public let keys: [Key]
}

public struct FederationPeerInfo: Sendable {
    public let id: Int64
    public let instanceID: String
    public let name: String
    public let baseURL: String
    public let institutionID: Int64
    public let status: String
    public let fingerprint: String
    /// The outbox towards the peer: events waiting, and those given up.
    public let queued: Int
    public let deadLetters: Int

    init(_ peer: Peers.Peer) {
        (id, instanceID, name, baseURL) = (peer.id, peer.instanceID, peer.name, peer.baseURL)
        (institutionID, status, fingerprint) = (peer.institutionID, peer.status, peer.fingerprint)
        (queued, deadLetters) = (peer.queued ?? 0, peer.deadLetters ?? 0)
    }
}

public func federationIdentity(app: Application) async throws -> FederationIdentityInfo {
    let identity = try await InstanceKeys.load(settings: app.tanggap.settings, now: app.tanggap.clock.now(), on: app.db)
    return FederationIdentityInfo(
        instanceID: identity.instanceID,
        keys: identity.keys.map {
            .init(id: $0.id, fingerprint: InstanceKeys.fingerprint(ofPublicKey: $0.publicKey), expiresAt: $0.expiresAt)
        })
}

public func rotateFederationKey(app: Application) async throws -> (keyID: String, fingerprint: String) {
    let now = app.tanggap.clock.now()
    let keyID = try await InstanceKeys.rotate(settings: app.tanggap.settings, now: now, on: app.db)
    let identity = try await InstanceKeys.load(settings: app.tanggap.settings, now: now, on: app.db)
    let key = identity.keys.first { $0.id == keyID }
    try await AdminAudit.record(
        "federation_key_rotated", ["key_id": keyID], by: nil, at: try await InstitutionDirectory.root(on: app.db)?.id, now: now, on: app.db)
    return (keyID, key.map { InstanceKeys.fingerprint(ofPublicKey: $0.publicKey) } ?? "")
}

public func federationPeers(app: Application) async throws -> [FederationPeerInfo] {
    try await Peers.list(on: app.db).map(FederationPeerInfo.init)
}

public func previewFederationPeer(
    url: String, app: Application
) async throws -> (name: String, instanceID: String, baseURL: String, fingerprint: String) {
    let preview = try await Peers.preview(url: url)
    return (preview.name, preview.instanceID, preview.baseURL, preview.fingerprint)
}

public func addFederationPeer(
    url: String, institutionID: Int64, remoteInstitutionID: Int64?, fingerprint: String, app: Application
) async throws -> FederationPeerInfo {
    let now = app.tanggap.clock.now()
    let peer = try await Peers.add(
        url: url, institutionID: institutionID, remoteInstitutionID: remoteInstitutionID, fingerprint: fingerprint,
        settings: app.tanggap.settings, now: now, on: app.db)
    try await AdminAudit.record(
        "peer_added", ["peer": peer.name, "instance_id": peer.instanceID, "url": peer.baseURL, "fingerprint": peer.fingerprint], by: nil,
        at: peer.institutionID, now: now, on: app.db)
    return FederationPeerInfo(peer)
}

public func setFederationPeer(_ id: Int64, active: Bool, app: Application) async throws {
    try await Peers.setStatus(id, active ? .active : .suspended, now: app.tanggap.clock.now(), on: app.db)
}

public func removeFederationPeer(_ id: Int64, app: Application) async throws {
    try await Peers.remove(id, on: app.db)
}

/// Sends a signed greeting; answers what the peer said.
public func helloFederationPeer(_ id: Int64, app: Application) async throws -> String {
    let name = try await WellKnownController.instanceName(settings: app.tanggap.settings, on: app.db)
    let receipt = try await Peers.hello(id, settings: app.tanggap.settings, instanceName: name, now: app.tanggap.clock.now(), on: app.db)
    return "The peer accepted the greeting (\(receipt.status))."
}

/// Sends the events given up for a peer again, in their order; answers how many.
public func retryFederationPeer(_ id: Int64, app: Application) async throws -> Int {
    guard try await Peers.route(id, on: app.db) != nil else { throw APIError.notFound }
    return try await FederationOutbox.retryDead(peerID: id, now: app.tanggap.clock.now(), on: app.db)
}

/// Reads every peer's figures now (the server does every 15 minutes); answers one line per peer.
public func pullFederationFigures(app: Application) async throws -> [String] {
    try await FederationFigures.pull(context: app.tanggap, on: app.db)
    return try await FederationFigures.stored(on: app.db).map { "\($0.figures.name)  \($0.source)  received \($0.figures.received)" }
}
