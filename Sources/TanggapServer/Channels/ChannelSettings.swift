import Foundation

/// The gateways Tanggap talks to, each off until configured. A channel without its settings has no webhook
/// (404) and sends nothing.
public struct ChannelSettings: Sendable {
    /// A generic HTTP SMS gateway: signed form or JSON webhooks in, JSON out.
    public struct GenericSMS: Sendable {
        public var webhookSecret: String
        public var sendURL: String?
        public var sendToken: String?
    }

    /// Twilio Programmable Messaging (the real-world SMS format documented in docs/channels.md).
    public struct Twilio: Sendable {
        public var accountSID: String
        public var authToken: String
        public var from: String
        public var apiURL: String
    }

    /// The WhatsApp Business Cloud API.
    public struct WhatsApp: Sendable {
        public var verifyToken: String
        public var appSecret: String
        public var accessToken: String
        public var phoneNumberID: String
        public var apiURL: String
    }

    /// The Telegram Bot API.
    public struct Telegram: Sendable {
        public var botToken: String
        public var webhookSecret: String
        public var apiURL: String
    }

    public var sms: GenericSMS?
    public var twilio: Twilio?
    public var whatsapp: WhatsApp?
    public var telegram: Telegram?
    /// The secret that signs inbound e-mail webhooks (outbound e-mail uses the SMTP settings).
    public var emailWebhookSecret: String?
    /// How far a signed webhook's timestamp may be from now before it counts as a replay.
    public var signatureTolerance: TimeInterval = 300
    /// How long one call to a gateway may take, unreachable gateway included.
    public var gatewayTimeout: TimeInterval = 10

    public init() {}

    static func read(_ reader: EnvironmentReader) throws -> ChannelSettings {
        var settings = ChannelSettings()
        func required(_ name: String, with owner: String) throws -> String {
            guard let value = reader.string(name) else { throw SettingsError.invalid(name, "required with \(owner)") }
            return value
        }
        if let secret = reader.string("TANGGAP_SMS_WEBHOOK_SECRET") {
            settings.sms = GenericSMS(
                webhookSecret: secret, sendURL: reader.string("TANGGAP_SMS_SEND_URL"),
                sendToken: reader.string("TANGGAP_SMS_SEND_TOKEN"))
        }
        if let sid = reader.string("TANGGAP_TWILIO_ACCOUNT_SID") {
            settings.twilio = Twilio(
                accountSID: sid, authToken: try required("TANGGAP_TWILIO_AUTH_TOKEN", with: "TANGGAP_TWILIO_ACCOUNT_SID"),
                from: try required("TANGGAP_TWILIO_FROM", with: "TANGGAP_TWILIO_ACCOUNT_SID"),
                apiURL: reader.string("TANGGAP_TWILIO_API_URL") ?? "https://api.twilio.com")
        }
        if let verify = reader.string("TANGGAP_WHATSAPP_VERIFY_TOKEN") {
            let owner = "TANGGAP_WHATSAPP_VERIFY_TOKEN"
            settings.whatsapp = WhatsApp(
                verifyToken: verify, appSecret: try required("TANGGAP_WHATSAPP_APP_SECRET", with: owner),
                accessToken: try required("TANGGAP_WHATSAPP_ACCESS_TOKEN", with: owner),
                phoneNumberID: try required("TANGGAP_WHATSAPP_PHONE_NUMBER_ID", with: owner),
                apiURL: reader.string("TANGGAP_WHATSAPP_API_URL") ?? "https://graph.facebook.com/v21.0")
        }
        if let token = reader.string("TANGGAP_TELEGRAM_BOT_TOKEN") {
            settings.telegram = Telegram(
                botToken: token, webhookSecret: try required("TANGGAP_TELEGRAM_WEBHOOK_SECRET", with: "TANGGAP_TELEGRAM_BOT_TOKEN"),
                apiURL: reader.string("TANGGAP_TELEGRAM_API_URL") ?? "https://api.telegram.org")
        }
        settings.emailWebhookSecret = reader.string("TANGGAP_EMAIL_WEBHOOK_SECRET")
        if let seconds = try reader.int("TANGGAP_GATEWAY_TIMEOUT_SECONDS", in: 1...120) { settings.gatewayTimeout = TimeInterval(seconds) }
        return settings
    }
}
