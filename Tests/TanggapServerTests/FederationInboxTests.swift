import Crypto
import Fluent
import Foundation
import MessageSignatures
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Two real instances on loopback: a greeting is accepted only once both sides have added each other; the inbox
/// applies an event once however often it comes, and refuses a changed byte, a stale or unknown signature, a stranger
/// and a suspended peer, each with its own code and nothing changed.
@Suite struct FederationInboxTests {
    func inboxCount(_ app: Application) async throws -> Int {
        try await app.db.sql.raw("SELECT COUNT(*) AS n FROM federation_inbox").first(decodingColumn: "n", as: Int.self) ?? -1
    }

    /// A request to `app`'s inbox as `sender` would send it, signed by `signer` at `created`.
    func signed(
        _ event: FederationEvent, to app: Application, signer: MessageSigner, created: Date, body override: Data? = nil
    ) throws -> (headers: [(String, String)], body: Data) {
        let body = try FederationJSON.encoder.encode(event)
        var message = SignedMessage(
            method: "POST", targetURI: app.tanggap.settings.publicURL + FederationInbox.path,
            fields: [("Content-Type", "application/json"), (ContentDigest.headerName, ContentDigest.header(for: body))])
        let (input, signature) = try signer.sign(
            message, components: ["@method", "@target-uri", "content-digest", "content-type"], created: created)
        message.fields += [("Signature-Input", input), ("Signature", signature)]
        return (message.fields.map { ($0.name, $0.value) }, override ?? body)
    }

    func post(_ app: Application, _ request: (headers: [(String, String)], body: Data)) async throws -> Reply {
        try await app.request(
            .POST, FederationInbox.path, headers: request.headers, rawBody: String(decoding: request.body, as: UTF8.self),
            contentType: "application/json")
    }

    @Test func aGreetingIsAcceptedOnlyOnceBothSidesAddedEachOtherAndEveryForgeryIsRefused() async throws {
        try await withInstance(named: "Nasional") { nationalInstance in
            try await withInstance(named: "Kabupaten Bojonegoro") { regionInstance in
                let (national, region, regionURL) = (nationalInstance.app, regionInstance.app, regionInstance.url)
                let bojonegoro = try await nationalInstance.addPeer(regionURL)
                let token = nationalInstance.world.nationalAdmin.token
                // The region has not added the national instance yet: the greeting is refused, and the link says why.
                let early = try await national.request(.POST, "/api/v1/federation/peers/\(bojonegoro.id)/hello", token: token)
                #expect(early.status == .badGateway && early.errorCode == "peer_refused")
                #expect(try await Peers.find(bojonegoro.id, on: national.db)?.lastError?.contains("403") == true)
                #expect(try await inboxCount(region) == 0)

                let nasional = try await regionInstance.addPeer(nationalInstance.url)
                let hello = try await national.request(.POST, "/api/v1/federation/peers/\(bojonegoro.id)/hello", token: token)
                #expect(hello.status == .ok, "\(hello.text)")
                #expect(try hello.decode(FederationInboxController.Receipt.self).status == "applied")
                #expect(try await Peers.find(bojonegoro.id, on: national.db)?.lastDeliveredAt != nil)
                #expect(try await Peers.find(nasional.id, on: region.db)?.lastReceivedAt != nil)
                #expect(try await inboxCount(region) == 1)
                // The national admin sees the link at a glance.
                let browser = try await PageTests().signedIn(national, "admin@tanggap.test")
                let adminPage = try await national.request(.GET, "/kelola/admin", headers: [browser.header]).text
                #expect(adminPage.contains("id=\"federation-peers\"") && adminPage.contains("Kabupaten Bojonegoro · \(regionURL) · aktif"))
                #expect(adminPage.contains("terakhir mengirim") && adminPage.contains("kesalahan terakhir"))

                // Requests crafted as the national instance would send them.
                let now = region.tanggap.clock.now()
                let identity = try await InstanceKeys.load(settings: national.tanggap.settings, now: now, on: national.db)
                let event = FederationEvent(
                    id: UUID().uuidString.lowercased(), type: "peer.hello", sender: identity.instanceID, createdAt: now,
                    payload: FederationPayload(name: "N"))
                let good = try signed(event, to: region, signer: identity.signer, created: now)
                #expect(try await post(region, good).decode(FederationInboxController.Receipt.self).status == "applied")
                for _ in 0..<3 {
                    let replay = try await post(region, good)
                    let receipt = try replay.decode(FederationInboxController.Receipt.self)
                    #expect(replay.status == .ok && receipt.status == "duplicate")
                }
                #expect(try await inboxCount(region) == 2, "a replayed request is applied once")

                // One letter of the payload changed: still an event, no longer the one that was signed.
                let changed = Data(String(decoding: good.body, as: UTF8.self).replacingOccurrences(of: "\"N\"", with: "\"M\"").utf8)
                #expect(changed != good.body)
                let refusals: [(String, (headers: [(String, String)], body: Data), HTTPStatus)] = [
                    ("digest_mismatch", (good.headers, changed), .unauthorized),
                    (
                        "signature_stale",
                        try signed(event.renewed, to: region, signer: identity.signer, created: now.addingTimeInterval(-600)), .unauthorized
                    ),
                    (
                        "unknown_key",
                        try signed(event.renewed, to: region, signer: MessageSigner(key: .init(), keyID: "stranger"), created: now),
                        .unauthorized
                    ),
                    (
                        "signature_invalid",
                        try signed(
                            event.renewed, to: region, signer: MessageSigner(key: .init(), keyID: identity.signer.keyID), created: now),
                        .unauthorized
                    ),
                    (
                        "signature_missing",
                        (good.headers.filter { $0.0 != "Signature" }, try FederationJSON.encoder.encode(event.renewed)), .unauthorized
                    ),
                    (
                        "unknown_sender",
                        try signed(
                            event.renewed(sender: UUID().uuidString.lowercased()), to: region, signer: identity.signer, created: now),
                        .forbidden
                    ),
                    ("malformed_event", (good.headers, Data("{\"id\": \"<script>\", \"type\": \"x\"}".utf8)), .badRequest),
                    ("malformed_event", (good.headers, Data("' OR 1=1 --".utf8)), .badRequest),
                ]
                for (code, request, status) in refusals {
                    let reply = try await post(region, request)
                    #expect(reply.status == status && reply.errorCode == code, "\(code): \(reply.status) \(reply.text)")
                }
                #expect(try await inboxCount(region) == 2, "nothing refused was recorded")

                // Suspended, the national instance is trusted with nothing.
                let regionToken = regionInstance.world.nationalAdmin.token
                #expect(
                    try await region.request(.POST, "/api/v1/federation/peers/\(nasional.id)/suspend", token: regionToken).status == .ok)
                let suspended = try await post(region, try signed(event.renewed, to: region, signer: identity.signer, created: now))
                #expect(suspended.status == .forbidden && suspended.errorCode == "unknown_sender")
            }
        }
    }
}

extension FederationEvent {
    /// The same event under a new id, as a new one.
    var renewed: FederationEvent { renewed(sender: sender) }

    func renewed(sender: String) -> FederationEvent {
        FederationEvent(id: UUID().uuidString.lowercased(), type: type, sender: sender, createdAt: createdAt, payload: payload)
    }
}
