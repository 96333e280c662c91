import Foundation
import NIOCore
import TanggapCore
import Vapor

/// A generic HTTP SMS gateway, for the many Indonesian providers without a format of their own:
/// `POST /webhooks/sms` with `id`, `sender`, `text` (JSON or form), signed with Tanggap's scheme
/// (`WebhookSignature.verifyTanggap`); replies go out as `POST <send URL>` with `{"to", "text"}` and a bearer token.
struct GenericSMSAdapter: ChannelAdapter {
    let settings: ChannelSettings.GenericSMS
    let tolerance: TimeInterval

    struct Body: Decodable {
        let id: String?
        let sender: String?
        let text: String?
    }

    func receive(_ req: Request) async throws -> (messages: [InboundMessage], statuses: [DeliveryStatusUpdate]) {
        try WebhookSignature.verifyTanggap(req, secret: settings.webhookSecret, tolerance: tolerance)
        guard let body = try? req.content.decode(Body.self) else { throw WebhookRefusal.malformed("body") }
        let id = try InboundChecks.gatewayID(body.id)
        let sender = try InboundChecks.phone(body.sender)
        return (
            [InboundMessage(channel: .sms, sender: sender, senderName: nil, text: try InboundChecks.text(body.text), gatewayID: id)], []
        )
    }
}

struct GenericSMSSender: ChannelSender {
    let url: String
    let token: String?
    let timeout: TimeAmount

    init?(_ settings: ChannelSettings.GenericSMS, timeout: TimeAmount) {
        guard let url = settings.sendURL else { return nil }
        self.url = url
        token = settings.sendToken
        self.timeout = timeout
    }

    func send(_ message: OutboundMessage) async throws -> String? {
        struct Request: Encodable {
            let to: String
            let text: String
        }
        struct Answer: Decodable { let id: String? }
        var headers = [("Content-Type", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let data = try await GatewayHTTP.call(
            "sms gateway", .POST, url, headers: headers,
            body: try GatewayHTTP.json(Request(to: message.address, text: message.body)), timeout: timeout)
        return (try? JSONDecoder().decode(Answer.self, from: data))?.id
    }
}

/// The checks every adapter applies to what a gateway sends, so that a malformed webhook writes nothing.
enum InboundChecks {
    static let maxText = 4_000

    static func gatewayID(_ id: String?) throws -> String {
        guard let id = id?.trimmingCharacters(in: .whitespaces), !id.isEmpty, id.count <= 200 else {
            throw WebhookRefusal.malformed("message id")
        }
        return id
    }

    static func phone(_ raw: String?) throws -> String {
        guard let raw, let phone = ContactRules.phone(raw) else { throw WebhookRefusal.malformed("sender") }
        return phone
    }

    static func text(_ raw: String?) throws -> String {
        let text = raw ?? ""
        guard text.count <= maxText else { throw WebhookRefusal.malformed("text too long") }
        return text
    }
}
