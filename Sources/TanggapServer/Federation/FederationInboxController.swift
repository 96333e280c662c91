import Crypto
import Fluent
import Foundation
import MessageSignatures
import SQLKit
import Vapor

/// `POST /federation/v1/inbox`: events from peers. Nothing in a request is believed before its signature is: the
/// sender must be an active peer, the signature must cover the method, the target and the body's digest, be made by a
/// key pinned for that peer within five minutes of now, and verify; the body must match its digest. Each refusal is a
/// 401 or 403 with a code of its own and nothing more. An event id already received is acknowledged again and applied
/// once.
enum FederationInboxController {
    /// A hand-over carries the report's files (`Handover.filesLimit`), base64.
    static let bodyLimit = Handover.filesLimit * 2

    static func register(_ app: Application) {
        app.on(.POST, "federation", "v1", "inbox", body: .collect(maxSize: ByteCount(value: bodyLimit)), use: receive)
    }

    static let verifier = MessageVerifier(required: ["@method", "@target-uri", "content-digest"])

    struct Receipt: Content {
        /// `applied`, or `duplicate` for an event received before.
        let status: String
        let id: String
        /// What applying it came to: `applied`, `returned` (a hand-over sent back), or `declined: <code>`.
        var outcome: String?
    }

    static let malformed = APIError(status: .badRequest, code: "malformed_event")
    static let unknownSender = APIError(status: .forbidden, code: "unknown_sender")

    @Sendable static func receive(_ req: Request) async throws -> Receipt {
        let body = req.body.data.map { Data(buffer: $0) } ?? Data()
        guard let event = try? FederationJSON.decoder.decode(FederationEvent.self, from: body), event.isWellFormed else { throw malformed }
        let sender = event.sender.lowercased()
        guard let keys = try await Peers.pinnedKeys(ofInstance: sender, on: req.db) else { throw unknownSender }
        let message = SignedMessage(
            method: req.method.rawValue, targetURI: req.tanggap.settings.publicURL + req.url.string,
            fields: req.headers.map { ($0.name, $0.value) })
        do {
            _ = try verifier.verify(message, now: req.now) { keyID in
                keys.first { $0.id == keyID }.flatMap { Data(base64URL: $0.publicKey) }
                    .flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
            }
            try ContentDigest.verify(message.field(ContentDigest.headerName), body: body)
        } catch {
            let refusal = refusal(for: error)
            try? await Peers.noteError("refused from them: \(refusal.code)", instance: sender, now: req.now, on: req.db)
            throw refusal
        }
        let now = req.now
        let context = req.tanggap
        let (fresh, outcome) = try await req.db.writeTransaction { db in
            let fresh =
                try await db.sql.insert(into: "federation_inbox").columns("sender", "event_id", "type", "created_at", "received_at")
                .values(SQLBind(sender), SQLBind(event.id.lowercased()), SQLBind(event.type), SQLBind(event.createdAt), SQLBind(now))
                .ignoringConflicts(with: ["sender", "event_id"]).returning("id").first() != nil
            var outcome: String?
            if fresh, event.kind != .peerHello, let peer = try await Peers.route(ofInstance: sender, on: db) {
                outcome = try await FederationReports.apply(event, from: peer, context: context, now: now, on: db)
                try await db.sql.update("federation_inbox").set("outcome", to: SQLBind(outcome))
                    .where("sender", .equal, sender).where("event_id", .equal, event.id.lowercased()).run()
            }
            try await db.sql.update("federation_peers").set("last_received_at", to: SQLBind(now)).where("instance_id", .equal, sender).run()
            return (fresh, outcome)
        }
        return Receipt(status: fresh ? "applied" : "duplicate", id: event.id, outcome: outcome)
    }

    /// The structured refusal for a failed check; the codes are stable and documented in docs/federation.md.
    static func refusal(for error: any Error) -> APIError {
        let code: String
        switch error as? MessageSignatureError {
        case .missing: code = "signature_missing"
        case .malformed: code = "signature_malformed"
        case .component: code = "signature_incomplete"
        case .stale: code = "signature_stale"
        case .unknownKey: code = "unknown_key"
        case .badDigest: code = "digest_mismatch"
        case .badSignature, nil: code = "signature_invalid"
        }
        return APIError(status: .unauthorized, code: code)
    }
}
