import Foundation
import TanggapCore
import Vapor

/// `/api/v1/federation/peers`: the instances this one trusts, for the national admins (see `Peers`). Every change is
/// written to the administrative record.
enum FederationController {
    static func register(_ api: any RoutesBuilder) {
        let peers = api.grouped("federation", "peers")
        peers.get(use: list)
        peers.get("preview", use: preview)
        peers.post(use: add)
        peers.post(":id", "suspend", use: suspend)
        peers.post(":id", "resume", use: resume)
        peers.post(":id", "hello", use: hello)
        peers.post(":id", "retry", use: retry)
        peers.delete(":id", use: remove)
    }

    struct Items: Content {
        let items: [Peers.Peer]
    }

    struct NewPeer: Content {
        var url: String?
        var institutionID: Int64?
        var remoteInstitutionID: Int64?
        var fingerprint: String?

        enum CodingKeys: String, CodingKey {
            case url, fingerprint
            case institutionID = "institution_id"
            case remoteInstitutionID = "remote_institution_id"
        }
    }

    /// The national admin asking, or a refusal.
    private static func admin(_ req: Request) throws -> SignedInUser {
        let user = try req.requireSignedInUser()
        guard AdministrationPolicy.mayManagePeers(user.actor) else { throw APIError.forbidden }
        return user
    }

    @Sendable static func list(_ req: Request) async throws -> Items {
        _ = try admin(req)
        return Items(items: try await Peers.list(on: req.db))
    }

    @Sendable static func preview(_ req: Request) async throws -> Peers.Preview {
        _ = try admin(req)
        return try await Peers.preview(url: try? req.query.get(String.self, at: "url"))
    }

    @Sendable static func add(_ req: Request) async throws -> Response {
        _ = try admin(req)
        let input = try req.decodeBody(NewPeer.self)
        let peer = try await Peers.add(
            url: input.url, institutionID: input.institutionID, remoteInstitutionID: input.remoteInstitutionID,
            fingerprint: input.fingerprint, settings: req.tanggap.settings, now: req.now, on: req.db)
        try await req.audit(
            "peer_added", ["peer": peer.name, "instance_id": peer.instanceID, "url": peer.baseURL, "fingerprint": peer.fingerprint],
            institutionID: peer.institutionID)
        return try await peer.encodeResponse(status: .created, for: req)
    }

    @Sendable static func suspend(_ req: Request) async throws -> Peers.Peer {
        try await change(req, to: .suspended)
    }

    @Sendable static func resume(_ req: Request) async throws -> Peers.Peer {
        try await change(req, to: .active)
    }

    /// Sends the events given up for a peer again, in their order: after the peer fixed what made it refuse them.
    @Sendable static func retry(_ req: Request) async throws -> Peers.Peer {
        _ = try admin(req)
        guard let id = Int64(try req.routeParameter("id")), try await Peers.route(id, on: req.db) != nil else { throw APIError.notFound }
        let count = try await FederationOutbox.retryDead(peerID: id, now: req.now, on: req.db)
        guard let peer = try await Peers.find(id, on: req.db) else { throw APIError.notFound }
        try await req.audit("peer_retried", ["peer": peer.name, "events": String(count)], institutionID: peer.institutionID)
        return peer
    }

    private static func change(_ req: Request, to status: Peers.Status) async throws -> Peers.Peer {
        _ = try admin(req)
        guard let id = Int64(try req.routeParameter("id")) else { throw APIError.notFound }
        try await Peers.setStatus(id, status, now: req.now, on: req.db)
        guard let peer = try await Peers.find(id, on: req.db) else { throw APIError.notFound }
        try await req.audit(
            "peer_\(status.rawValue)", ["peer": peer.name, "instance_id": peer.instanceID], institutionID: peer.institutionID)
        return peer
    }

    /// Sends the peer a signed greeting: the way to test a link once both sides have added each other.
    @Sendable static func hello(_ req: Request) async throws -> FederationInboxController.Receipt {
        _ = try admin(req)
        guard let id = Int64(try req.routeParameter("id")) else { throw APIError.notFound }
        return try await Peers.hello(
            id, settings: req.tanggap.settings, instanceName: try await WellKnownController.instanceName(req), now: req.now, on: req.db)
    }

    @Sendable static func remove(_ req: Request) async throws -> HTTPStatus {
        _ = try admin(req)
        guard let id = Int64(try req.routeParameter("id")), let peer = try await Peers.find(id, on: req.db) else { throw APIError.notFound }
        try await Peers.remove(id, on: req.db)
        try await req.audit("peer_removed", ["peer": peer.name, "instance_id": peer.instanceID], institutionID: peer.institutionID)
        return .noContent
    }
}
