import Fluent
import Foundation
import TanggapCore

/// E-mails that tell a person what happened to their own account: someone is guessing its password (the account
/// now waits between tries, or is locked), or it was signed in to from a browser or program it never used before.
/// Enqueued in the transaction of what they tell of; sent by the job worker when a mail server is configured.
enum AccountNotices {
    static let jobKind = "account.notice"

    enum Kind: String, Codable, Sendable {
        case slowedDown = "slowed_down"
        case locked
        case newDevice = "new_device"
        /// A link to set a new password, asked for at `/lupa-sandi`.
        case passwordReset = "password_reset"
        /// The password was changed or reset: if it was not the owner, they learn of it.
        case passwordChanged = "password_changed"

        init(_ notice: SignInThrottle.Notice) {
            switch notice {
            case .slowedDown: self = .slowedDown
            case .locked: self = .locked
            }
        }
    }

    struct Payload: Codable, Sendable {
        let userID: Int64
        let kind: Kind
        let at: Date
        /// The browser or program, for a new device.
        var device: String? = nil
        /// The link, for a password reset: the only place its token is kept readable, until the job is purged; it
        /// works for an hour.
        var link: String? = nil
    }

    static func enqueue(_ payload: Payload, on db: any Database) async throws {
        try await JobQueue.enqueue(jobKind, payload: payload, runAt: payload.at, on: db)
    }

    static let send: JobHandler = { run in
        guard let mailer = run.context.mailer else { return }
        let payload = try run.payload(Payload.self)
        guard let user = try await UserModel.find(payload.userID, on: run.db), user.isActive else { return }
        try await mailer.send(compose(payload, to: user, context: run.context))
    }

    static func compose(_ payload: Payload, to user: UserModel, context: TanggapContext) -> MailMessage {
        let language = context.settings.language
        let text = { (key: String) in
            context.localizer.text(
                "mail.account.\(payload.kind.rawValue).\(key)", language,
                [
                    "name": user.name, "device": payload.device ?? "", "link": payload.link ?? "",
                    "when": DisplayFormat.dateTime(payload.at, language: language, timeZone: context.settings.timeZone),
                    "sessions": "\(context.settings.publicURL)/akun/sesi", "account": "\(context.settings.publicURL)/akun",
                ])
        }
        let body = [text("greeting"), "", text("body"), "", text("advice"), "", context.localizer.text("mail.account.footer", language)]
        return MailMessage(to: user.email, toName: user.name, subject: text("subject"), body: body.joined(separator: "\n"))
    }
}
