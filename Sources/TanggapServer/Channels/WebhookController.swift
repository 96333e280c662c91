import Foundation
import TanggapCore
import Vapor

/// `/webhooks/{sms,twilio,whatsapp,telegram,email}`: where gateways deliver. Each adapter authenticates and reads
/// its gateway's format; the conversation does the rest. A channel that is not configured has no webhook.
enum WebhookController {
    static func register(_ app: Application, settings: Settings) {
        let hooks = app.grouped("webhooks")
        let channels = settings.channels
        let small: ByteCount = "64kb"
        if let sms = channels.sms {
            let adapter = GenericSMSAdapter(settings: sms, tolerance: channels.signatureTolerance)
            hooks.on(.POST, "sms", body: .collect(maxSize: small)) { try await handle(adapter, $0) }
        }
        if let twilio = channels.twilio {
            let adapter = TwilioAdapter(settings: twilio, webhookURL: settings.publicURL + "/webhooks/twilio")
            hooks.on(.POST, "twilio", body: .collect(maxSize: small)) { try await handle(adapter, $0) }
        }
        if let whatsapp = channels.whatsapp {
            let adapter = WhatsAppAdapter(settings: whatsapp)
            hooks.get("whatsapp") { req -> Response in Response(status: .ok, body: .init(string: try adapter.verify(req))) }
            hooks.on(.POST, "whatsapp", body: .collect(maxSize: "256kb")) { try await handle(adapter, $0) }
        }
        if let telegram = channels.telegram {
            let adapter = TelegramAdapter(settings: telegram)
            hooks.on(.POST, "telegram", body: .collect(maxSize: small)) { try await handle(adapter, $0) }
        }
        if let secret = channels.emailWebhookSecret {
            let adapter = EmailAdapter(secret: secret, tolerance: channels.signatureTolerance)
            // Base64 makes files a third larger, and a message carries its text and headers too.
            let limit = ByteCount(value: settings.attachmentLimitBytes * 4 / 3 + 256 * 1024)
            hooks.on(.POST, "email", body: .collect(maxSize: limit)) { try await handle(adapter, $0) }
        }
    }

    static func handle(_ adapter: some ChannelAdapter, _ req: Request) async throws -> Response {
        let (messages, statuses) = try await adapter.receive(req)
        for status in statuses { try await Deliveries.record(status, on: req.db) }
        for message in messages {
            // Per sender, not per gateway: the gateway's address is the same for everyone. A 429 makes the gateway
            // deliver again later; what was handled before it is recognised then and not repeated.
            let key = "channel:\(message.channel.rawValue):\(message.sender)"
            if let wait = req.tanggap.limiter.take(key, perMinute: req.tanggap.settings.rateLimits.channelMessagesPerMinute, now: req.now) {
                throw APIError.rateLimited(retryAfter: wait)
            }
            let outcome = try await Conversation.handle(message, context: req.tanggap, on: req.db)
            req.logger.info(
                "channel message", metadata: ["channel": .string(message.channel.rawValue), "outcome": .string(outcome.rawValue)])
        }
        let response = Response(status: .ok, body: .init(string: "{\"ok\":true}"))
        response.headers.contentType = .json
        return response
    }
}
