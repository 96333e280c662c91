import Foundation
import Synchronization

@testable import TanggapServer

/// Keeps what would have been e-mailed, for tests that look at reminders without a mail server.
final class RecordingMailer: Mailer {
    private let sent = Mutex<[MailMessage]>([])

    var messages: [MailMessage] { sent.withLock { $0 } }

    func send(_ message: MailMessage) async throws {
        sent.withLock { $0.append(message) }
    }
}
