import Foundation
import NIOCore
import TanggapCore
import Vapor

/// The WhatsApp Business Cloud API: the verification handshake (`GET` with `hub.challenge`), webhooks signed with
/// `X-Hub-Signature-256` carrying text and image messages and status callbacks, media fetched from the Graph API,
/// and `POST /{phone number id}/messages` to answer.
struct WhatsAppAdapter: ChannelAdapter {
    let settings: ChannelSettings.WhatsApp

    struct Payload: Decodable {
        struct Entry: Decodable { let changes: [Change]? }
        struct Change: Decodable { let value: Value? }
        struct Value: Decodable {
            let contacts: [Contact]?
            let messages: [Message]?
            let statuses: [Status]?
        }
        struct Contact: Decodable {
            struct Profile: Decodable { let name: String? }
            let wa_id: String?
            let profile: Profile?
        }
        struct Message: Decodable {
            struct Text: Decodable { let body: String? }
            struct Media: Decodable {
                let id: String
                let caption: String?
                let mime_type: String?
            }
            let from: String
            let id: String
            let type: String?
            let text: Text?
            let image: Media?
            let document: Media?
        }
        struct Status: Decodable {
            let id: String
            let status: String
        }
        let object: String?
        let entry: [Entry]?
    }

    /// Meta's subscription check: echo the challenge when the verify token is ours.
    func verify(_ req: Request) throws -> String {
        guard (try? req.query.get(String.self, at: "hub.mode")) == "subscribe",
            let token = try? req.query.get(String.self, at: "hub.verify_token"), constantTimeEqual(token, settings.verifyToken),
            let challenge = try? req.query.get(String.self, at: "hub.challenge"), challenge.count <= 200
        else { throw WebhookRefusal.forged }
        return challenge
    }

    func receive(_ req: Request) async throws -> (messages: [InboundMessage], statuses: [DeliveryStatusUpdate]) {
        try WebhookSignature.verifyMeta(req, appSecret: settings.appSecret)
        guard let payload = try? JSONDecoder().decode(Payload.self, from: WebhookSignature.body(req)),
            payload.object == "whatsapp_business_account"
        else { throw WebhookRefusal.malformed("payload") }
        var messages: [InboundMessage] = [], statuses: [DeliveryStatusUpdate] = []
        for value in (payload.entry ?? []).flatMap({ $0.changes ?? [] }).compactMap(\.value) {
            let names = Dictionary(
                (value.contacts ?? []).compactMap { c in c.wa_id.map { ($0, c.profile?.name) } }, uniquingKeysWith: { a, _ in a })
            for message in value.messages ?? [] {
                let id = try InboundChecks.gatewayID(message.id)
                let sender = try InboundChecks.phone(message.from)
                let media = message.image ?? message.document
                let text = message.text?.body ?? media?.caption ?? ""
                var inbound = InboundMessage(
                    channel: .whatsapp, sender: sender, senderName: names[message.from] ?? nil,
                    text: try InboundChecks.text(text), gatewayID: id)
                if let media { inbound.media = [try await download(media)] }
                messages.append(inbound)
            }
            statuses += (value.statuses ?? []).map { DeliveryStatusUpdate(channel: .whatsapp, gatewayID: $0.id, status: $0.status) }
        }
        return (messages, statuses)
    }

    /// A media id becomes a URL (Graph API), and the URL the file, both with the access token.
    private func download(_ media: Payload.Message.Media) async throws -> Upload {
        struct Location: Decodable { let url: String }
        let auth = [("Authorization", "Bearer \(settings.accessToken)")]
        let located = try await GatewayHTTP.call("whatsapp media", .GET, "\(settings.apiURL)/\(media.id)", headers: auth)
        guard let location = try? JSONDecoder().decode(Location.self, from: located) else { throw WebhookRefusal.malformed("media") }
        let data = try await GatewayHTTP.call("whatsapp media", .GET, location.url, headers: auth)
        let suffix = media.mime_type == "application/pdf" ? "pdf" : media.mime_type?.split(separator: "/").last.map(String.init) ?? "bin"
        return Upload(name: "whatsapp-\(media.id.prefix(12)).\(suffix)", data: data)
    }
}

struct WhatsAppSender: ChannelSender {
    let settings: ChannelSettings.WhatsApp
    let timeout: TimeAmount

    func send(_ message: OutboundMessage) async throws -> String? {
        struct Text: Encodable {
            let body: String
            let preview_url = false
        }
        struct Request: Encodable {
            let messaging_product = "whatsapp"
            let recipient_type = "individual"
            let to: String
            let type = "text"
            let text: Text
        }
        struct Answer: Decodable {
            struct Sent: Decodable { let id: String }
            let messages: [Sent]?
        }
        let data = try await GatewayHTTP.call(
            "whatsapp", .POST, "\(settings.apiURL)/\(settings.phoneNumberID)/messages",
            headers: [("Authorization", "Bearer \(settings.accessToken)"), ("Content-Type", "application/json")],
            body: try GatewayHTTP.json(Request(to: String(message.address.drop { $0 == "+" }), text: Text(body: message.body))),
            timeout: timeout)
        return (try? JSONDecoder().decode(Answer.self, from: data))?.messages?.first?.id
    }
}
