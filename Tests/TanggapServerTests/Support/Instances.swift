import Fluent
import Foundation
import NIOPosix
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// A whole instance serving on a loopback port of its own, its public address set to it, with the test world.
struct Instance: Sendable {
    let app: Application
    let url: String
    let world: World

    var db: any Database { app.db }

    /// Delivers everything due in this instance's federation outbox, as its background courier would.
    @discardableResult
    func deliver() async throws -> Int {
        try await FederationCourier(name: "test", context: app.tanggap, logger: app.logger).deliverDue(on: app.db)
    }
}

func withInstance(
    named name: String, clock: TestClock = TestClock(), _ body: (Instance) async throws -> Void
) async throws {
    let port = try freeLoopbackPort()
    let url = "http://127.0.0.1:\(port)"
    try await withTestApp(
        clock: clock,
        configure: {
            $0.publicURL = url
            $0.instanceName = name
        }
    ) { app in
        let world = try await World.build(app)
        try await app.server.start(address: .hostname("127.0.0.1", port: port))
        do {
            try await body(Instance(app: app, url: url, world: world))
        } catch {
            await app.server.shutdown()
            throw error
        }
        await app.server.shutdown()
    }
}

func freeLoopbackPort() throws -> Int {
    let socket = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).wait()
    let port = socket.localAddress?.port ?? 0
    try socket.close().wait()
    return port
}

extension Instance {
    /// The national admin adds the instance at `other` for a new node under the top of the tree, after reading its
    /// fingerprint. Returns the peer as stored.
    @discardableResult
    func addPeer(_ other: String, node name: String? = nil, remoteInstitutionID: Int64? = nil) async throws -> Peers.Peer {
        let root = try #require(try await InstitutionDirectory.root(on: db))
        let node = try await InstitutionDirectory.create(
            name: name ?? "Mitra \(other)", kind: .regency, under: root, now: app.tanggap.clock.now(), on: db)
        let token = world.nationalAdmin.token
        let preview = try await app.request(.GET, "/api/v1/federation/peers/preview?url=\(other)", token: token).decode(Peers.Preview.self)
        var body: [String: Any] = ["url": other, "institution_id": node.id, "fingerprint": preview.fingerprint]
        if let remoteInstitutionID { body["remote_institution_id"] = remoteInstitutionID }
        let added = try await app.request(.POST, "/api/v1/federation/peers", token: token, json: body)
        #expect(added.status == .created, "\(added.text)")
        return try added.decode(Peers.Peer.self)
    }
}
