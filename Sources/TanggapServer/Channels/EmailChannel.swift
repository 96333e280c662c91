import Crypto
import Foundation
import TanggapCore
import Vapor

/// Inbound e-mail from a mail provider's webhook (or a local `pipe` to curl): the raw RFC 822 message as the body,
/// signed with Tanggap's scheme. Mail to a report's reply address, or with a tracking ID in the subject, is a reply
/// to that report (acted on only with a proven sender, `EmailSenderProof`); otherwise it is a new report, the subject
/// its title. Answers go out over SMTP (`MailSender`), each with its report's reply address.
struct EmailAdapter: ChannelAdapter {
    let secret: String
    let tolerance: TimeInterval

    func receive(_ req: Request) async throws -> (messages: [InboundMessage], statuses: [DeliveryStatusUpdate]) {
        try WebhookSignature.verifyTanggap(req, secret: secret, tolerance: tolerance)
        let raw = WebhookSignature.body(req)
        guard !raw.isEmpty, let mail = try? MIMEMessage(raw: raw) else { throw WebhookRefusal.malformed("message") }
        guard let address = mail.fromAddress.flatMap(ContactRules.email) else { throw WebhookRefusal.malformed("From") }
        // A message without an id (rare) is known by its content, so a redelivery still matches.
        let id =
            mail.header("Message-ID").map { String($0.prefix(200)) }
            ?? "sha256:" + Hex.string(SHA256.hash(data: raw))
        var message = InboundMessage(
            channel: .email, sender: address, senderName: mail.fromName, text: try InboundChecks.text(mail.text),
            subject: mail.header("Subject").map { String($0.prefix(300)) }, gatewayID: try InboundChecks.gatewayID(id))
        message.media = mail.files.map { Upload(name: $0.name, data: $0.data) }
        message.addressedReport = EmailSenderProof.addressedReport(recipients: EmailSenderProof.recipients(of: mail), key: secret)
        message.senderProven = EmailSenderProof.isAligned(
            authenticationResults: mail.header("Authentication-Results"), fromAddress: address)
        return ([message], [])
    }
}
