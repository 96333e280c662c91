import Foundation
import NIOCore
import TanggapCore
import Vapor

/// The Telegram Bot API: updates posted to the webhook with the secret token header, photos fetched with
/// `getFile`, and `sendMessage` to answer. The chat id is the reporter's address.
struct TelegramAdapter: ChannelAdapter {
    let settings: ChannelSettings.Telegram

    struct Update: Decodable {
        struct Message: Decodable {
            struct Chat: Decodable { let id: Int64 }
            struct User: Decodable {
                let first_name: String?
                let last_name: String?
            }
            struct Photo: Decodable {
                let file_id: String
                let file_size: Int?
            }
            let message_id: Int64
            let chat: Chat
            let from: User?
            let text: String?
            let caption: String?
            let photo: [Photo]?
        }
        let update_id: Int64
        let message: Message?
    }

    func receive(_ req: Request) async throws -> (messages: [InboundMessage], statuses: [DeliveryStatusUpdate]) {
        try WebhookSignature.verifyTelegram(req, secret: settings.webhookSecret)
        guard let update = try? JSONDecoder().decode(Update.self, from: WebhookSignature.body(req)) else {
            throw WebhookRefusal.malformed("update")
        }
        // Edits, joins and other updates carry nothing to file.
        guard let message = update.message else { return ([], []) }
        let name = [message.from?.first_name, message.from?.last_name].compactMap { $0 }.joined(separator: " ")
        var inbound = InboundMessage(
            channel: .telegram, sender: String(message.chat.id), senderName: name.isEmpty ? nil : name,
            text: try InboundChecks.text(message.text ?? message.caption), gatewayID: String(update.update_id))
        if let photo = message.photo?.max(by: { ($0.file_size ?? 0) < ($1.file_size ?? 0) }) {
            inbound.media = [try await download(photo.file_id)]
        }
        return ([inbound], [])
    }

    private func download(_ fileID: String) async throws -> Upload {
        struct Answer: Decodable {
            struct File: Decodable { let file_path: String? }
            let ok: Bool
            let result: File?
        }
        struct Request: Encodable { let file_id: String }
        let answer = try await GatewayHTTP.call(
            "telegram getFile", .POST, "\(settings.apiURL)/bot\(settings.botToken)/getFile",
            headers: [("Content-Type", "application/json")], body: try GatewayHTTP.json(Request(file_id: fileID)))
        guard let path = (try? JSONDecoder().decode(Answer.self, from: answer))?.result?.file_path, !path.contains("..") else {
            throw WebhookRefusal.malformed("file")
        }
        let data = try await GatewayHTTP.call("telegram file", .GET, "\(settings.apiURL)/file/bot\(settings.botToken)/\(path)")
        return Upload(name: "telegram-\(path.split(separator: "/").last ?? "foto")", data: data)
    }
}

struct TelegramSender: ChannelSender {
    let settings: ChannelSettings.Telegram
    let timeout: TimeAmount

    func send(_ message: OutboundMessage) async throws -> String? {
        struct Request: Encodable {
            let chat_id: Int64
            let text: String
        }
        struct Answer: Decodable {
            struct Sent: Decodable { let message_id: Int64 }
            let ok: Bool
            let result: Sent?
        }
        guard let chat = Int64(message.address) else { throw GatewayHTTP.Failure(gateway: "telegram", status: 0, detail: "bad chat id") }
        let data = try await GatewayHTTP.call(
            "telegram sendMessage", .POST, "\(settings.apiURL)/bot\(settings.botToken)/sendMessage",
            headers: [("Content-Type", "application/json")], body: try GatewayHTTP.json(Request(chat_id: chat, text: message.body)),
            timeout: timeout)
        return (try? JSONDecoder().decode(Answer.self, from: data))?.result.map { String($0.message_id) }
    }
}
