import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A small SMTP client (RFC 5321): EHLO, optional AUTH PLAIN, MAIL, RCPT, DATA, QUIT, over plain TCP to a
/// relay or implicit TLS to a provider. One connection per message; the digest volume makes that cheap.
struct SMTPMailer: Mailer {
    let settings: SMTPSettings
    var timeout: Duration = .seconds(30)

    struct SMTPError: Error, CustomStringConvertible {
        let step: String
        let reply: String
        var description: String { "SMTP \(step) refused: \(reply)" }
    }

    func send(_ message: MailMessage) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.deliver(message) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw SMTPError(step: "connection", reply: "timed out")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func deliver(_ message: MailMessage) async throws {
        let tls = settings.implicitTLS ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let host = settings.host
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: host)) }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = ReplyReader(inbound.makeAsyncIterator())
            func command(_ line: String?, expect codes: Set<Int>, step: String) async throws {
                if let line { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
                let (code, text) = try await replies.next()
                guard codes.contains(code) else { throw SMTPError(step: step, reply: "\(code) \(text)") }
            }
            try await command(nil, expect: [220], step: "greeting")
            try await command("EHLO \(settings.heloName)", expect: [250], step: "EHLO")
            if let user = settings.username, let password = settings.password {
                let token = Data("\u{0}\(user)\u{0}\(password)".utf8).base64EncodedString()
                try await command("AUTH PLAIN \(token)", expect: [235], step: "AUTH")
            }
            try await command("MAIL FROM:<\(settings.from)>", expect: [250], step: "MAIL FROM")
            try await command("RCPT TO:<\(message.to)>", expect: [250, 251], step: "RCPT TO")
            try await command("DATA", expect: [354], step: "DATA")
            let text = message.rfc5322(from: settings.from, date: Date(), messageID: "\(UUID().uuidString)@\(settings.heloName)")
            // Dot-stuffing: a line that starts with "." gets another, so it cannot end the data early.
            let stuffed = text.split(separator: "\r\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
            try await command(stuffed + ".", expect: [250], step: "message")
            try? await command("QUIT", expect: [221], step: "QUIT")
        }
    }

    /// Reads whole SMTP replies ("250-…" lines up to the "250 …" line) from the byte stream.
    private struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var buffer = ""

        init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
            self.iterator = iterator
        }

        mutating func next() async throws -> (Int, String) {
            var lines: [String] = []
            while true {
                while let range = buffer.range(of: "\r\n") {
                    let line = String(buffer[..<range.lowerBound])
                    buffer.removeSubrange(..<range.upperBound)
                    lines.append(line)
                    let code = Int(line.prefix(3)) ?? 0
                    if line.count < 4 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                        return (code, lines.map { String($0.dropFirst(4)) }.joined(separator: " "))
                    }
                }
                guard var chunk = try await iterator.next() else { throw SMTPError(step: "reply", reply: "connection closed") }
                buffer += chunk.readString(length: chunk.readableBytes) ?? ""
                if buffer.count > 65_536 { throw SMTPError(step: "reply", reply: "reply too long") }
            }
        }
    }
}
