import Foundation
import NIOCore
import TanggapCore

/// A message to one reporter on one channel, already in that channel's words and length.
struct OutboundMessage: Sendable, Equatable {
    let channel: TanggapCore.Channel
    let address: String
    var subject: String? = nil
    let body: String
}

/// Sends on one channel; returns the gateway's id of the message when it gives one.
protocol ChannelSender: Sendable {
    func send(_ message: OutboundMessage) async throws -> String?
}

/// Which configured gateway sends on each channel.
enum ChannelSenders {
    static func sender(for channel: TanggapCore.Channel, context: TanggapContext) -> (any ChannelSender)? {
        let settings = context.settings.channels
        let timeout = TimeAmount.milliseconds(Int64(settings.gatewayTimeout * 1_000))
        switch channel {
        case .sms:
            return settings.twilio.map { TwilioSender(settings: $0, timeout: timeout) }
                ?? settings.sms.flatMap { GenericSMSSender($0, timeout: timeout) }
        case .whatsapp: return settings.whatsapp.map { WhatsAppSender(settings: $0, timeout: timeout) }
        case .telegram: return settings.telegram.map { TelegramSender(settings: $0, timeout: timeout) }
        case .email:
            return context.mailer.map { mailer in
                MailSender(mailer: mailer, from: context.settings.smtp?.from, replyKey: settings.emailWebhookSecret)
            }
        default: return nil
        }
    }

    static func isConfigured(_ channel: TanggapCore.Channel, context: TanggapContext) -> Bool {
        sender(for: channel, context: context) != nil
    }
}

/// E-mail to reporters goes through the same SMTP client as staff digests.
/// A message about a report (its tracking ID in the subject) is answered at the report's own reply address, the
/// one way an answer by e-mail proves its sender (`EmailSenderProof`).
struct MailSender: ChannelSender {
    let mailer: any Mailer
    var from: String? = nil
    var replyKey: String? = nil

    func send(_ message: OutboundMessage) async throws -> String? {
        let subject = message.subject ?? "Tanggap"
        var mail = MailMessage(to: message.address, toName: "", subject: subject, body: message.body)
        if let from, let replyKey, let id = Conversation.trackingID(inSubject: subject) {
            mail.replyTo = EmailSenderProof.replyAddress(for: id, from: from, key: replyKey)
        }
        try await mailer.send(mail)
        return nil
    }
}
