import Fluent
import Foundation
import TanggapCore

/// What the reporter hears of (`ChannelRules.told`), on the channel they used. Each becomes one message in the
/// outbox, written with the event.
enum ReporterNotices {
    /// Where to reach the reporter (the rule is `ChannelRules.routes`): the first way whose gateway is configured.
    static func route(of report: ReportModel, context: TanggapContext) -> (TanggapCore.Channel, String)? {
        ChannelRules.routes(to: report.contacts).first { ChannelSenders.isConfigured($0.0, context: context) }
    }

    /// Tells the reporter — and the reporters of every report merged into this one as its duplicate, who follow it
    /// from then on. A report just archived as a duplicate tells its own reporter where to follow.
    static func enqueue(
        _ kind: EventKind, note: String?, on report: ReportModel, context: TanggapContext, now: Date, db: any Database
    ) async throws {
        let trackingID = report.trackingID.display
        if kind == .archive, let mainID = report.duplicateOfID, let main = try await ReportModel.find(mainID, on: db),
            let (channel, address) = route(of: report, context: context)
        {
            let words = context.localizer.text(
                "notice.merged", context.settings.language,
                [
                    "id": trackingID, "main": main.trackingID.display,
                ])
            let message =
                channel == .email
                ? OutboundMessage(channel: .email, address: address, subject: "[Tanggap \(trackingID)] \(report.title)", body: words)
                : OutboundMessage(channel: channel, address: address, body: words)
            try await Deliveries.enqueue(message, reportID: report.id, now: now, on: db)
            return
        }
        guard ChannelRules.told.contains(kind) else { return }
        let holder = try await InstitutionModel.find(report.holderID, on: db)?.name ?? ""
        let followers = try await ReportModel.query(on: db).filter(\.$duplicateOfID == report.id!).limit(500).all()
        for recipient in [report] + followers {
            guard let (channel, address) = route(of: recipient, context: context) else { continue }
            let message = ChannelText.notice(
                kind, trackingID: trackingID, holder: holder, text: note, channel: channel, address: address,
                title: report.title, context: context)
            try await Deliveries.enqueue(message, reportID: recipient.id, now: now, on: db)
        }
    }
}

/// The words of outgoing messages, in the deployment's language and each channel's length.
enum ChannelText {
    /// One SMS is 160 characters; two joined ones are 306 (phones show them as one).
    static let smsLimit = 306
    static let chatLimit = 4_000

    static func notice(
        _ kind: EventKind, trackingID: String, holder: String, text: String?, channel: TanggapCore.Channel, address: String,
        title: String, context: TanggapContext
    ) -> OutboundMessage {
        let language = context.settings.language
        let link = "\(context.settings.publicURL)/laporan/\(trackingID)"
        func say(_ key: String, _ extra: [String: String] = [:]) -> String {
            context.localizer.text(key, language, ["id": trackingID, "holder": holder, "link": link].merging(extra) { $1 })
        }
        let lead = say("notice.\(kind.rawValue)")
        let invitesReply = kind == .answer || kind == .hold
        switch channel {
        case .email:
            var body = lead
            if let text { body += "\n\n" + text }
            if invitesReply { body += "\n\n" + say("notice.reply_by_email") }
            body += "\n\n" + say("notice.link")
            return OutboundMessage(channel: .email, address: address, subject: "[Tanggap \(trackingID)] \(title)", body: body)
        case .sms:
            let tail = invitesReply ? " " + say("notice.reply_by_sms") : ""
            return OutboundMessage(channel: .sms, address: address, body: fit(lead, text, tail, limit: smsLimit))
        default:
            let tail = invitesReply ? "\n\n" + say("notice.reply_by_chat") : ""
            return OutboundMessage(channel: channel, address: address, body: fit(lead, text, tail, limit: chatLimit))
        }
    }

    /// `lead: text tail` within `limit` characters, shortening the text (never the lead or the tail) with "…".
    static func fit(_ lead: String, _ text: String?, _ tail: String, limit: Int) -> String {
        guard let text, !text.isEmpty else { return String((lead + tail).prefix(limit)) }
        let room = limit - lead.count - tail.count - 1  // the space after the lead
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        let shown = flat.count <= room ? flat : String(flat.prefix(max(0, room - 1))) + "…"
        return String((lead + " " + shown + tail).prefix(limit))
    }
}
