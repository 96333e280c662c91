import Fluent
import Foundation
import MessageSignatures
import SQLKit
import TanggapCore
import Vapor

/// The instances this one trusts. Adding one is explicit: its well-known document is fetched, its key's fingerprint
/// shown, and only when the admin gives that same fingerprint back is the peer stored, its keys pinned. The other
/// side must add this instance too before it accepts anything. A peer can be suspended (nothing is sent or accepted)
/// and removed; a changed key is never taken silently.
enum Peers {
    struct PinnedKey: Codable, Sendable, Equatable {
        let id: String
        let publicKey: String
    }

    struct Peer: Content, Equatable {
        let id: Int64
        let instanceID: String
        let name: String
        let baseURL: String
        let inboxURL: String
        let institutionID: Int64
        let remoteInstitutionID: Int64?
        let status: String
        let fingerprint: String
        let createdAt: Date
        /// The link's health: the last signed request from the peer, the last event it accepted from here, the last
        /// refusal or failure either way.
        let lastReceivedAt: Date?
        let lastDeliveredAt: Date?
        let lastError: String?
        let lastErrorAt: Date?
        /// The outbox towards the peer: events waiting, the oldest one's time, and those given up.
        var queued: Int?
        var oldestQueuedAt: Date?
        var deadLetters: Int?

        func with(_ queue: FederationOutbox.Queue?) -> Peer {
            var peer = self
            peer.queued = queue?.queued ?? 0
            peer.oldestQueuedAt = queue?.oldestQueuedAt
            peer.deadLetters = queue?.dead ?? 0
            return peer
        }
    }

    /// What the admin is asked to confirm: who the instance at that address says it is, and its key's fingerprint.
    struct Preview: Content {
        let baseURL: String
        let instanceID: String
        let name: String
        let inboxURL: String
        let fingerprint: String
        let keys: [PinnedKey]
    }

    static let fingerprintMismatch = APIError(status: .conflict, code: "fingerprint_mismatch")
    static let unreachable = APIError(status: .badGateway, code: "peer_unreachable")
    static let alreadyPeer = APIError(status: .conflict, code: "peer_exists")
    static let notAPeerOfItself = APIError(status: .unprocessableEntity, code: "peer_is_this_instance")

    /// The address as a base URL: http or https, a host, no query, no trailing slash.
    static func baseURL(_ raw: String?) throws -> String {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), raw.count <= 500, let url = URLComponents(string: raw),
            let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty,
            url.query == nil, url.fragment == nil, url.user == nil
        else { throw APIError.field("url", .invalid) }
        var base = "\(scheme)://\(host.lowercased())" + (url.port.map { ":\($0)" } ?? "") + url.path
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// Fetches the peer's well-known document.
    static func preview(url raw: String?) async throws -> Preview {
        let base = try baseURL(raw)
        let data: Data
        do {
            data = try await GatewayHTTP.call("peer", .GET, base + "/.well-known/tanggap", timeout: .seconds(10))
        } catch {
            throw unreachable
        }
        guard let document = try? FederationJSON.decoder.decode(WellKnownController.Document.self, from: data),
            document.protocol == WellKnownController.protocolVersion, let active = document.keys.first(where: { $0.expiresAt == nil }),
            UUID(uuidString: document.instanceID) != nil, Data(base64URL: active.publicKey)?.count == 32
        else { throw unreachable }
        return Preview(
            baseURL: base, instanceID: document.instanceID.lowercased(), name: String(TextNormalizer.singleLine(document.name).prefix(200)),
            inboxURL: document.inbox, fingerprint: InstanceKeys.fingerprint(ofPublicKey: active.publicKey),
            keys: document.keys.map { PinnedKey(id: $0.id, publicKey: $0.publicKey) })
    }

    /// Adds the peer at `url` for the local node `institutionID`, once `fingerprint` matches what it now publishes.
    static func add(
        url: String?, institutionID: Int64?, remoteInstitutionID: Int64?, fingerprint: String?, settings: Settings, now: Date,
        on db: any Database
    ) async throws -> Peer {
        guard let institutionID else { throw APIError.field("institution_id", .required) }
        guard let institution = try await InstitutionDirectory.find(institutionID, on: db), institution.path.depth > 0 else {
            throw APIError.field("institution_id", .invalid)
        }
        guard let fingerprint = fingerprint?.trimmingCharacters(in: .whitespaces), !fingerprint.isEmpty else {
            throw APIError.field("fingerprint", .required)
        }
        let preview = try await preview(url: url)
        guard normalized(fingerprint) == normalized(preview.fingerprint) else { throw fingerprintMismatch }
        let own = try await InstanceKeys.load(settings: settings, now: now, on: db)
        guard preview.instanceID != own.instanceID else { throw notAPeerOfItself }
        let keys = String(decoding: try JSONEncoder().encode(preview.keys), as: UTF8.self)
        do {
            let id = try await db.sql.insert(into: "federation_peers")
                .columns(
                    "instance_id", "name", "base_url", "inbox_url", "institution_id", "remote_institution_id", "status", "keys",
                    "fingerprint",
                    "created_at", "updated_at"
                )
                .values(
                    SQLBind(preview.instanceID), SQLBind(preview.name), SQLBind(preview.baseURL), SQLBind(preview.inboxURL),
                    SQLBind(institutionID), SQLBind(remoteInstitutionID), SQLBind("active"), SQLBind(keys), SQLBind(preview.fingerprint),
                    SQLBind(now), SQLBind(now)
                )
                .returning("id").first(decodingColumn: "id", as: Int64.self)
            guard let id, let peer = try await find(id, on: db) else { throw alreadyPeer }
            return peer
        } catch let error as APIError {
            throw error
        } catch {
            // The unique instance or node: this peer, or another peer for that node, is already there.
            throw alreadyPeer
        }
    }

    private static func normalized(_ fingerprint: String) -> String {
        fingerprint.lowercased().filter(\.isHexDigit)
    }

    static let columns = [
        "id", "instance_id", "name", "base_url", "inbox_url", "institution_id", "remote_institution_id", "status", "fingerprint",
        "created_at", "last_received_at", "last_delivered_at", "last_error", "last_error_at",
    ]

    static func list(on db: any Database) async throws -> [Peer] {
        let queues = try await FederationOutbox.queues(on: db)
        return try await db.sql.select().columns(columns.map { SQLIdentifier($0) }).from("federation_peers").orderBy("id")
            .all(decoding: Peer.self, with: FederationJSON.rowDecoder).map { $0.with(queues[$0.id]) }
    }

    /// Each peer's display name, for the pages that say who holds a case (no queue figures needed there).
    static func names(on db: any Database) async throws -> [Int64: String] {
        struct Named: Decodable {
            let id: Int64
            let name: String
        }
        let rows = try await db.sql.select().columns("id", "name").from("federation_peers").all(decoding: Named.self)
        return Dictionary(rows.map { ($0.id, $0.name) }) { first, _ in first }
    }

    static func find(_ id: Int64, on db: any Database) async throws -> Peer? {
        let queues = try await FederationOutbox.queues(on: db)
        return try await db.sql.select().columns(columns.map { SQLIdentifier($0) }).from("federation_peers").where("id", .equal, id)
            .first(decoding: Peer.self, with: FederationJSON.rowDecoder).map { $0.with(queues[$0.id]) }
    }

    /// What the report flow needs of a peer: which local node stands for it, and which institution inside it a
    /// hand-over starts at.
    struct Route: Decodable, Sendable {
        let id: Int64
        let instanceID: String
        let institutionID: Int64
        let remoteInstitutionID: Int64?
    }

    private static let routeColumns = ["id", "instance_id", "institution_id", "remote_institution_id"].map { SQLIdentifier($0) }

    /// The active peer a node of the local tree stands for, if it stands for one.
    static func route(atNode institutionID: Int64, on db: any Database) async throws -> Route? {
        try await db.sql.select().columns(routeColumns).from("federation_peers").where("institution_id", .equal, institutionID)
            .where("status", .equal, Status.active.rawValue).first(decoding: Route.self, with: FederationJSON.rowDecoder)
    }

    static func route(ofInstance instanceID: String, on db: any Database) async throws -> Route? {
        try await db.sql.select().columns(routeColumns).from("federation_peers").where("instance_id", .equal, instanceID)
            .first(decoding: Route.self, with: FederationJSON.rowDecoder)
    }

    static func route(_ id: Int64, on db: any Database) async throws -> Route? {
        try await db.sql.select().columns(routeColumns).from("federation_peers").where("id", .equal, id)
            .first(decoding: Route.self, with: FederationJSON.rowDecoder)
    }

    /// The pinned keys of the active peer with this instance id: what its requests are checked against.
    static func pinnedKeys(ofInstance instanceID: String, on db: any Database) async throws -> [PinnedKey]? {
        guard
            let text = try await db.sql.select().column("keys").from("federation_peers").where("instance_id", .equal, instanceID)
                .where("status", .equal, "active").first(decodingColumn: "keys", as: String.self)
        else { return nil }
        return try? JSONDecoder().decode([PinnedKey].self, from: Data(text.utf8))
    }

    /// Records a refusal or a failure on the link with the peer, for its admin to see.
    static func noteError(_ error: String, instance: String, now: Date, on db: any Database) async throws {
        try await db.sql.update("federation_peers").set("last_error", to: SQLBind(String(error.prefix(500))))
            .set("last_error_at", to: SQLBind(now)).where("instance_id", .equal, instance).run()
    }

    /// Sends a signed greeting to the peer: the test of a link that an admin runs after both sides added each other.
    static func hello(
        _ id: Int64, settings: Settings, instanceName: String, now: Date, on db: any Database
    ) async throws
        -> FederationInboxController.Receipt
    {
        struct Target: Decodable {
            let instance_id: String
            let inbox_url: String
            let status: String
        }
        guard
            let peer = try await db.sql.select().columns("instance_id", "inbox_url", "status").from("federation_peers")
                .where("id", .equal, id).first(decoding: Target.self)
        else { throw APIError.notFound }
        guard peer.status == Status.active.rawValue else { throw suspended }
        let identity = try await InstanceKeys.load(settings: settings, now: now, on: db)
        let event = FederationEvent(
            id: UUID().uuidString.lowercased(), type: FederationEvent.Kind.peerHello.rawValue, sender: identity.instanceID, createdAt: now,
            payload: FederationPayload(name: instanceName))
        do {
            let receipt = try await PeerClient.deliver(event, to: peer.inbox_url, signer: identity.signer, now: now)
            try await db.sql.update("federation_peers").set("last_delivered_at", to: SQLBind(now)).where("id", .equal, id).run()
            return receipt
        } catch {
            try await noteError("delivery: \(error)", instance: peer.instance_id, now: now, on: db)
            throw APIError(status: .badGateway, code: "peer_refused")
        }
    }

    static let suspended = APIError(status: .conflict, code: "peer_suspended")

    enum Status: String { case active, suspended }

    static func setStatus(_ id: Int64, _ status: Status, now: Date, on db: any Database) async throws {
        let changed =
            try await db.sql.update("federation_peers").set("status", to: SQLBind(status.rawValue))
            .set("updated_at", to: SQLBind(now)).where("id", .equal, id).returning("id").first() != nil
        guard changed else { throw APIError.notFound }
    }

    static func remove(_ id: Int64, on db: any Database) async throws {
        guard try await db.sql.delete(from: "federation_peers").where("id", .equal, id).returning("id").first() != nil else {
            throw APIError.notFound
        }
    }
}
