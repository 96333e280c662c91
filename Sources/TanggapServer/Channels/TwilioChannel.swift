import Foundation
import NIOCore
import TanggapCore
import Vapor

/// Twilio Programmable Messaging, the SMS format documented in docs/channels.md: form-encoded webhooks
/// (`From`, `Body`, `MessageSid`; status callbacks with `MessageStatus`) signed with `X-Twilio-Signature`, and
/// `POST /2010-04-01/Accounts/{sid}/Messages.json` to send.
struct TwilioAdapter: ChannelAdapter {
    let settings: ChannelSettings.Twilio
    /// The webhook's public address, exactly as configured at Twilio: it is part of what is signed.
    let webhookURL: String

    func receive(_ req: Request) async throws -> (messages: [InboundMessage], statuses: [DeliveryStatusUpdate]) {
        let form = try Self.formFields(WebhookSignature.body(req))
        try WebhookSignature.verifyTwilio(req, authToken: settings.authToken, url: webhookURL, form: form)
        let fields = Dictionary(form, uniquingKeysWith: { first, _ in first })
        let id = try InboundChecks.gatewayID(fields["MessageSid"] ?? fields["SmsSid"])
        if let status = fields["MessageStatus"], fields["Body"] == nil {
            return ([], [DeliveryStatusUpdate(channel: .sms, gatewayID: id, status: status)])
        }
        let sender = try InboundChecks.phone(fields["From"])
        return (
            [InboundMessage(channel: .sms, sender: sender, senderName: nil, text: try InboundChecks.text(fields["Body"]), gatewayID: id)],
            []
        )
    }

    /// The form fields in the order sent, decoded (`+` is a space).
    static func formFields(_ body: Data) throws -> [(String, String)] {
        guard let text = String(data: body, encoding: .utf8) else { throw WebhookRefusal.malformed("form encoding") }
        return try text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) throws -> String {
                guard let value = String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw WebhookRefusal.malformed("form field")
                }
                return value
            }
            return (try decode(parts[0]), parts.count > 1 ? try decode(parts[1]) : "")
        }
    }
}

struct TwilioSender: ChannelSender {
    let settings: ChannelSettings.Twilio
    let timeout: TimeAmount

    func send(_ message: OutboundMessage) async throws -> String? {
        struct Answer: Decodable { let sid: String? }
        let credentials = Data("\(settings.accountSID):\(settings.authToken)".utf8).base64EncodedString()
        let data = try await GatewayHTTP.call(
            "twilio", .POST, "\(settings.apiURL)/2010-04-01/Accounts/\(settings.accountSID)/Messages.json",
            headers: [("Authorization", "Basic \(credentials)"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: GatewayHTTP.form([("To", message.address), ("From", settings.from), ("Body", message.body)]), timeout: timeout)
        return (try? JSONDecoder().decode(Answer.self, from: data))?.sid
    }
}
