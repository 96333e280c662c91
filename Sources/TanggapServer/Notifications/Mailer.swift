import Foundation

/// An e-mail as Tanggap sends it: plain text, one recipient.
struct MailMessage: Sendable, Equatable {
    let to: String
    let toName: String
    let subject: String
    let body: String
    /// Where the recipient's reply goes, when not to `From:` (a report's own reply address).
    var replyTo: String? = nil
}

/// Sends e-mail. The server uses SMTP; tests record what would have been sent.
protocol Mailer: Sendable {
    func send(_ message: MailMessage) async throws
}

/// Where and as whom to send e-mail.
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var from: String
    public var username: String?
    public var password: String?
    /// Implicit TLS from the first byte (port 465). Without it the connection is plain, as to a local relay.
    public var implicitTLS: Bool
    public var heloName: String

    public init(
        host: String, port: Int = 25, from: String, username: String? = nil, password: String? = nil,
        implicitTLS: Bool = false, heloName: String = "tanggap.localhost"
    ) {
        self.host = host
        self.port = port
        self.from = from
        self.username = username
        self.password = password
        self.implicitTLS = implicitTLS
        self.heloName = heloName
    }
}

extension MailMessage {
    /// The message as RFC 5322 text with MIME headers: UTF-8 everywhere, the body in base64 so that no line
    /// is too long and nothing in it can end the SMTP data.
    func rfc5322(from: String, date: Date, messageID: String) -> String {
        func encodedWord(_ text: String) -> String {
            text.allSatisfy { $0.isASCII && !$0.isNewline } ? text : "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
        }
        let body = Data(self.body.replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        let headers =
            [
                "From: Tanggap <\(from)>",
                "To: \(encodedWord(toName)) <\(to)>",
                "Subject: \(encodedWord(subject))",
            ] + (replyTo.map { ["Reply-To: <\($0)>"] } ?? []) + [
                "Date: \(Self.rfc5322Date(date))",
                "Message-ID: <\(messageID)>",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=UTF-8",
                "Content-Transfer-Encoding: base64",
                "Auto-Submitted: auto-generated",
            ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
