import Crypto
import Foundation
import TanggapCore
import Vapor

/// Signature checks for webhooks. Every comparison is constant-time; the raw body is what is signed.
enum WebhookSignature {
    /// Tanggap's own scheme for gateways without one (the generic SMS gateway, inbound e-mail):
    /// `X-Tanggap-Timestamp: <unix seconds>` and `X-Tanggap-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
    /// A timestamp further than `tolerance` from now is a replay.
    static func verifyTanggap(_ req: Request, secret: String, tolerance: TimeInterval) throws {
        guard let timestamp = req.headers.first(name: "X-Tanggap-Timestamp"), let sent = req.headers.first(name: "X-Tanggap-Signature")
        else { throw WebhookRefusal.unsigned }
        guard let seconds = Double(timestamp), abs(req.now.timeIntervalSince1970 - seconds) <= tolerance else { throw WebhookRefusal.stale }
        guard constantTimeEqual(sent, tanggapSignature(secret: secret, timestamp: timestamp, body: body(req))) else {
            throw WebhookRefusal.forged
        }
    }

    /// The signature a gateway puts on a webhook in Tanggap's scheme.
    static func tanggapSignature(secret: String, timestamp: String, body: Data) -> String {
        let signed = Data(timestamp.utf8) + Data(".".utf8) + body
        return "sha256=" + Hex.string(HMAC<SHA256>.authenticationCode(for: signed, using: key(secret)))
    }

    /// WhatsApp (Meta): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body with the app secret>`.
    static func verifyMeta(_ req: Request, appSecret: String) throws {
        guard let sent = req.headers.first(name: "X-Hub-Signature-256") else { throw WebhookRefusal.unsigned }
        let expected = "sha256=" + Hex.string(HMAC<SHA256>.authenticationCode(for: body(req), using: key(appSecret)))
        guard constantTimeEqual(sent.lowercased(), expected) else { throw WebhookRefusal.forged }
    }

    /// Twilio: `X-Twilio-Signature: base64(HMAC-SHA1(auth token, full URL + every form field's name and value,
    /// sorted by name))`.
    static func verifyTwilio(_ req: Request, authToken: String, url: String, form: [(String, String)]) throws {
        guard let sent = req.headers.first(name: "X-Twilio-Signature") else { throw WebhookRefusal.unsigned }
        let data = url + form.sorted { $0.0 < $1.0 }.map { $0.0 + $0.1 }.joined()
        let expected = Data(HMAC<Insecure.SHA1>.authenticationCode(for: Data(data.utf8), using: key(authToken))).base64EncodedString()
        guard constantTimeEqual(sent, expected) else { throw WebhookRefusal.forged }
    }

    /// Telegram: the secret token set with `setWebhook`, echoed in `X-Telegram-Bot-Api-Secret-Token`.
    static func verifyTelegram(_ req: Request, secret: String) throws {
        guard let sent = req.headers.first(name: "X-Telegram-Bot-Api-Secret-Token") else { throw WebhookRefusal.unsigned }
        guard constantTimeEqual(sent, secret) else { throw WebhookRefusal.forged }
    }

    static func body(_ req: Request) -> Data {
        req.body.data.map { Data(buffer: $0) } ?? Data()
    }

    private static func key(_ secret: String) -> SymmetricKey { SymmetricKey(data: Data(secret.utf8)) }

}
