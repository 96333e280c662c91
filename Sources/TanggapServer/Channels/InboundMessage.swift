import Foundation
import TanggapCore
import Vapor

/// A message that came in through a gateway, as every adapter hands it to the conversation.
struct InboundMessage: Sendable {
    let channel: TanggapCore.Channel
    /// The address to answer at: a phone number (+62…), a Telegram chat id, an e-mail address.
    let sender: String
    let senderName: String?
    let text: String
    /// An e-mail's subject; nil on channels without one.
    var subject: String? = nil
    var media: [Upload] = []
    /// The gateway's own id of the message: a redelivery carries the same one and changes nothing.
    let gatewayID: String
    /// Whether `sender` is proven. A phone network or a chat platform tells who wrote; an e-mail's `From:` is
    /// believed only with proof (`EmailSenderProof`).
    var senderProven = true
    /// The report whose own reply address an e-mail was sent to (`EmailSenderProof.replyAddress`).
    var addressedReport: TrackingID? = nil
}

/// What a gateway reports about a message Tanggap sent: delivered, read, failed.
struct DeliveryStatusUpdate: Sendable {
    let channel: TanggapCore.Channel
    let gatewayID: String
    let status: String
}

/// One gateway's side of a channel: it authenticates and reads the gateway's webhooks. Sending is
/// `ChannelSender`'s; what a message means is `Conversation`'s, the same for every channel.
protocol ChannelAdapter: Sendable {
    /// Reads an authenticated webhook into messages (and delivery reports); throws `WebhookRefusal` for
    /// anything unsigned, forged, stale or malformed, before anything is written.
    func receive(_ req: Request) async throws -> (messages: [InboundMessage], statuses: [DeliveryStatusUpdate])
}

/// Why a webhook was turned away. Nothing is written for any of these.
enum WebhookRefusal {
    static let unsigned = APIError(status: .unauthorized, code: "webhook_unsigned")
    static let forged = APIError(status: .unauthorized, code: "webhook_forged")
    static let stale = APIError(status: .unauthorized, code: "webhook_stale")
    /// `what` is for the reader of this code; the gateway gets the stable code only.
    static func malformed(_ what: String) -> APIError { APIError(status: .badRequest, code: "webhook_malformed") }
}
