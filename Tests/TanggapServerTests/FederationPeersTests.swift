import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// An instance's identity (its id and Ed25519 keys, published at `/.well-known/tanggap`), key rotation with a grace
/// period, and adding a peer only once its fingerprint is confirmed.
@Suite struct FederationPeersTests {
    struct Document: Decodable {
        struct Key: Decodable {
            let id: String
            let algorithm: String
            let publicKey: String
            let fingerprint: String
            let expiresAt: Date?
        }
        let instanceID: String
        let name: String
        let `protocol`: String
        let inbox: String
        let keys: [Key]
    }

    @Test func theWellKnownDocumentPublishesTheIdentityAndRotationKeepsTheOldKeyForAWhile() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            _ = try await World.build(app)
            let raw = try await app.request(.GET, "/.well-known/tanggap")
            let first = try raw.decode(Document.self)
            #expect(UUID(uuidString: first.instanceID) != nil && first.name == "Pengelola Nasional")
            #expect(first.protocol == "tanggap-federation/1" && first.inbox == "http://127.0.0.1:8080/federation/v1/inbox")
            #expect(first.keys.count == 1 && first.keys[0].algorithm == "ed25519" && first.keys[0].expiresAt == nil)
            #expect(Data(base64URL: first.keys[0].publicKey)?.count == 32)
            #expect(try await app.request(.GET, "/.well-known/tanggap").decode(Document.self).instanceID == first.instanceID, "stable")

            // The private seed is where only this instance reads it.
            if TestDatabase.postgresURL == nil {
                let path = InstanceKeys.seedPath(keyID: first.keys[0].id, settings: app.tanggap.settings)
                let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
                #expect(mode == 0o600)
            } else {
                let stored = try await app.db.sql.raw("SELECT private_key FROM federation_keys").first(
                    decodingColumn: "private_key", as: String?.self)
                #expect(stored??.isEmpty == false)
            }
            #expect(!(try await app.request(.GET, "/.well-known/tanggap").text.contains("private")))

            let newKey = try await rotateFederationKey(app: app).keyID
            let rotated = try await app.request(.GET, "/.well-known/tanggap").decode(Document.self)
            #expect(rotated.instanceID == first.instanceID)
            #expect(rotated.keys.map(\.id) == [newKey, first.keys[0].id])
            #expect(rotated.keys[0].expiresAt == nil && rotated.keys[1].expiresAt != nil, "the old key is still accepted, for a while")
            let identity = try await InstanceKeys.load(settings: app.tanggap.settings, now: clock.now, on: app.db)
            #expect(identity.signer.keyID == newKey, "the new key signs")
            clock.advance(by: InstanceKeys.grace + 1)
            #expect(try await app.request(.GET, "/.well-known/tanggap").decode(Document.self).keys.map(\.id) == [newKey])
        }
    }

    /// Runs `body` with a second instance serving on a loopback port, and its base URL.
    func withPeer(_ body: (Application, String) async throws -> Void) async throws {
        try await withTestApp { peer in
            let root = try await InstitutionDirectory.create(
                name: "Pemerintah Kabupaten Bojonegoro", kind: .regency, under: nil, now: peer.tanggap.clock.now(), on: peer.db)
            _ = root
            try await peer.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(peer.http.server.shared.localAddress?.port)
            do {
                try await body(peer, "http://127.0.0.1:\(port)")
            } catch {
                await peer.server.shutdown()
                throw error
            }
            await peer.server.shutdown()
        }
    }

    @Test func aPeerIsAddedOnlyWithItsConfirmedFingerprintAndOnlyByANationalAdmin() async throws {
        try await withPeer { _, peerURL in
            try await withTestApp { app in
                let world = try await World.build(app)
                let node = try await InstitutionDirectory.create(
                    name: "Pemerintah Kabupaten Bojonegoro", kind: .regency, under: world.national, now: app.tanggap.clock.now(), on: app.db
                )
                let admin = world.nationalAdmin.token
                let preview = try await app.request(.GET, "/api/v1/federation/peers/preview?url=\(peerURL)/", token: admin)
                #expect(preview.status == .ok, "\(preview.text)")
                let shown = try preview.decode(Peers.Preview.self)
                #expect(shown.name == "Pemerintah Kabupaten Bojonegoro" && shown.baseURL == peerURL)

                // Not for anyone else; not without the fingerprint, nor with another one; nothing stored.
                let body: [String: Any] = ["url": peerURL, "institution_id": node.id]
                #expect(
                    try await app.request(.POST, "/api/v1/federation/peers", token: world.pemkabAdmin.token, json: body).status
                        == .forbidden)
                #expect(try await app.request(.POST, "/api/v1/federation/peers", json: body).status == .unauthorized)
                let unconfirmed = try await app.request(.POST, "/api/v1/federation/peers", token: admin, json: body)
                #expect(unconfirmed.status == .unprocessableEntity && unconfirmed.fieldErrors == ["fingerprint:required"])
                var wrong = body
                wrong["fingerprint"] = "0000 0000 0000 0000 0000 0000 0000 0000"
                let mismatch = try await app.request(.POST, "/api/v1/federation/peers", token: admin, json: wrong)
                #expect(mismatch.status == .conflict && mismatch.errorCode == "fingerprint_mismatch")
                for hostile in [
                    "javascript:alert(1)", "file:///etc/passwd", "http://", "", "http://x/?a=1", String(repeating: "a", count: 600),
                ] {
                    var bad = body
                    bad["url"] = hostile
                    bad["fingerprint"] = shown.fingerprint
                    #expect(
                        try await app.request(.POST, "/api/v1/federation/peers", token: admin, json: bad).status == .unprocessableEntity)
                }
                #expect(try await Peers.list(on: app.db).isEmpty)

                var confirmed = body
                confirmed["fingerprint"] = shown.fingerprint.uppercased().replacingOccurrences(of: " ", with: ":")
                let added = try await app.request(.POST, "/api/v1/federation/peers", token: admin, json: confirmed)
                #expect(added.status == .created, "\(added.text)")
                let peer = try added.decode(Peers.Peer.self)
                #expect(peer.status == "active" && peer.institutionID == node.id && peer.fingerprint == shown.fingerprint)
                #expect(try await Peers.pinnedKeys(ofInstance: shown.instanceID, on: app.db) == shown.keys)
                #expect(try await app.request(.POST, "/api/v1/federation/peers", token: admin, json: confirmed).errorCode == "peer_exists")

                #expect(try await app.request(.POST, "/api/v1/federation/peers/\(peer.id)/suspend", token: admin).status == .ok)
                #expect(
                    try await Peers.pinnedKeys(ofInstance: shown.instanceID, on: app.db) == nil, "a suspended peer is trusted with nothing")
                #expect(try await app.request(.POST, "/api/v1/federation/peers/\(peer.id)/resume", token: admin).status == .ok)
                #expect(try await app.request(.GET, "/api/v1/federation/peers", token: admin).text.contains(shown.instanceID))
                #expect(try await app.request(.DELETE, "/api/v1/federation/peers/\(peer.id)", token: admin).status == .noContent)
                #expect(try await app.request(.DELETE, "/api/v1/federation/peers/\(peer.id)", token: admin).status == .notFound)
                let audit = try await AdminAudit.recent(under: world.national.path, on: app.db).map(\.action)
                #expect(audit.prefix(4) == ["peer_removed", "peer_active", "peer_suspended", "peer_added"])

                // An address where no Tanggap answers.
                let nobody = try await app.request(.GET, "/api/v1/federation/peers/preview?url=http://127.0.0.1:9", token: admin)
                #expect(nobody.status == .badGateway && nobody.errorCode == "peer_unreachable")
            }
        }
    }
}
