import Foundation
import MessageSignatures
import NIOHTTP1

/// Sends one signed event to a peer's inbox and reads its receipt.
enum PeerClient {
    struct Refused: Error, CustomStringConvertible {
        let status: UInt
        let detail: String
        var description: String { "the peer answered HTTP \(status): \(detail)" }
    }

    /// Signed at `now`, not when the event was made: an event retried an hour later is still fresh to the receiver.
    static func deliver(
        _ event: FederationEvent, to inboxURL: String, signer: MessageSigner, now: Date
    ) async throws -> FederationInboxController.Receipt {
        let body = try FederationJSON.encoder.encode(event)
        var message = SignedMessage(
            method: "POST", targetURI: inboxURL,
            fields: [("Content-Type", "application/json"), (ContentDigest.headerName, ContentDigest.header(for: body))])
        let (input, signature) = try signer.sign(
            message, components: ["@method", "@target-uri", "content-digest", "content-type"], created: now)
        message.fields += [("Signature-Input", input), ("Signature", signature)]
        let answer: Data
        do {
            answer = try await GatewayHTTP.call("peer", .POST, inboxURL, headers: message.fields.map { ($0.name, $0.value) }, body: body)
        } catch let failure as GatewayHTTP.Failure {
            throw Refused(status: failure.status, detail: failure.detail)
        }
        guard let receipt = try? FederationJSON.decoder.decode(FederationInboxController.Receipt.self, from: answer), receipt.id == event.id
        else {
            throw Refused(status: 200, detail: "no receipt for the event")
        }
        return receipt
    }
}
