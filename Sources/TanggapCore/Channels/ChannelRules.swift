/// Who speaks for a report on a channel, and where its reporter hears of it.
public enum ChannelRules {
    /// The contacts a report keeps of its reporter.
    public struct Contacts: Sendable {
        public var channel: Channel?
        /// The address the report came from on its own channel (phone number, chat, e-mail address).
        public var replyAddress: String?
        public var email: String?
        public var phone: String?

        public init(channel: Channel?, replyAddress: String?, email: String?, phone: String?) {
            self.channel = channel
            self.replyAddress = replyAddress
            self.email = email
            self.phone = phone
        }
    }

    /// A sender owns a report when they write from the address it came from, on its channel, or from the contact
    /// the reporter gave elsewhere: their e-mail address by e-mail, their phone number by SMS or WhatsApp.
    public static func owns(_ contacts: Contacts, sender: String, on channel: Channel) -> Bool {
        if contacts.channel == channel && contacts.replyAddress == sender { return true }
        switch channel {
        case .email: return contacts.email == sender
        case .sms, .whatsapp: return contacts.phone == sender
        default: return false
        }
    }

    /// The events a reporter hears of on their own channel.
    public static let told: Set<EventKind> = [.verify, .dispatch, .answer, .hold, .confirm]

    /// Where to reach a reporter, best first: back on their own channel; by e-mail for web and app reports; by
    /// e-mail or SMS for reports an operator typed in or an Open311 app sent. The first one with a working gateway
    /// is used.
    public static func routes(to contacts: Contacts) -> [(Channel, String)] {
        let candidates: [(Channel, String?)] =
            switch contacts.channel {
            case .sms?, .whatsapp?, .telegram?, .email?: [(contacts.channel!, contacts.replyAddress)]
            case .radio?, .publicDialogue?, .walkIn?, .letter?, .open311?: [(.email, contacts.email), (.sms, contacts.phone)]
            default: [(.email, contacts.email)]
            }
        return candidates.compactMap { channel, address in address.map { (channel, $0) } }
    }
}
