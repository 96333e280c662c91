import Fluent
import Foundation
import SQLKit
import TanggapCore

/// One e-mail per person listing the reports that turned yellow or red (or climbed the ladder to them) since
/// their last digest: a digest instead of a flood.
enum DigestMail {
    struct Payload: Codable, Sendable {
        let userID: Int64
    }

    struct Line: Decodable, Sendable {
        let id: Int64
        let kind: String
        let tracking_id: String
        let title: String
        let holder: String
        let stage_due_at: Date?
        let sla_light: String?
    }

    static let send: JobHandler = { run in
        guard let mailer = run.context.mailer else { return }
        let payload = try run.payload(Payload.self)
        guard let user = try await UserModel.find(payload.userID, on: run.db), user.isActive else { return }
        let lines = try await run.db.sql.raw(
            """
            SELECT n.id, n.kind, r.tracking_id, r.title, i.name AS holder, r.stage_due_at, r.sla_light
            FROM notifications n JOIN reports r ON r.id = n.report_id JOIN institutions i ON i.id = r.holder_id
            WHERE n.user_id = \(bind: payload.userID) AND n.emailed_at IS NULL ORDER BY n.id LIMIT 500
            """
        ).all(decoding: Line.self)
        guard !lines.isEmpty else { return }
        try await mailer.send(compose(lines, to: user, context: run.context))
        try await run.db.sql.update("notifications").set("emailed_at", to: SQLBind(run.now))
            .where("id", .in, SQLBind.group(lines.map(\.id))).run()
    }

    /// The digest's text, in the deployment's language, one report per line and each report once.
    static func compose(_ lines: [Line], to user: UserModel, context: TanggapContext) -> MailMessage {
        let language = context.settings.language
        let localizer = context.localizer
        var seen = Set<String>()
        let reports = lines.filter { seen.insert($0.tracking_id).inserted }
        let zone = context.settings.timeZone
        let calendar = WorkingCalendar(timeZone: zone)
        let rows = reports.map { line -> String in
            let id = TrackingID(parsing: line.tracking_id)?.display ?? line.tracking_id
            let light = localizer.text("light.\(line.sla_light ?? "red")", language)
            let due = line.stage_due_at.map { localizer.text("mail.due", language, ["date": calendar.localDate(of: $0).iso]) } ?? ""
            return
                "- [\(light)] \(id) — \(line.title)\n  \(line.holder). \(due)\n  \(context.settings.publicURL)/api/v1/reports/\(line.tracking_id)"
        }
        let subject = localizer.text("mail.digest.subject", language, ["count": String(reports.count)])
        let body =
            [
                localizer.text("mail.digest.greeting", language, ["name": user.name]), "",
                localizer.text("mail.digest.intro", language), "",
            ] + rows + ["", localizer.text("mail.digest.footer", language)]
        return MailMessage(to: user.email, toName: user.name, subject: subject, body: body.joined(separator: "\n"))
    }
}
