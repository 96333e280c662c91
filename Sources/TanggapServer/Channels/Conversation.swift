import Fluent
import Foundation
import SQLKit
import TanggapCore

/// What a message on any channel means, and the answer it gets: one logic for SMS, WhatsApp, Telegram and
/// e-mail. Every outcome is written together with the message's record, so a gateway's redelivery of the same
/// message id finds it and changes nothing. A tracking ID the sender does not own is answered exactly as one
/// that does not exist.
enum Conversation {
    enum Outcome: String { case report, reply, check, help, refused, duplicate }

    static func handle(_ message: InboundMessage, context: TanggapContext, on db: any Database) async throws -> Outcome {
        if try await alreadyHandled(message, on: db) { return .duplicate }
        do {
            return try await respond(to: message, context: context, on: db)
        } catch  where (error as? any DatabaseError)?.isConstraintFailure == true {
            // The same message arrived twice at once; the other delivery recorded it.
            if try await alreadyHandled(message, on: db) { return .duplicate }
            throw error
        }
    }

    private static func respond(to message: InboundMessage, context: TanggapContext, on db: any Database) async throws -> Outcome {
        switch ChannelCommand.parse(message.text) {
        case .report(let text):
            return try await file(text, message, context: context, on: db)
        case .check(let id):
            return try await check(id, message, context: context, on: db)
        case .reply(let id, let text):
            return try await reply(text, to: id, message, context: context, on: db)
        case .malformed(let keyword):
            return try await answer(message, "conv.help_\(keyword.lowercased())", outcome: .help, context: context, on: db)
        case .empty:
            return try await answer(message, "conv.help", outcome: .help, context: context, on: db)
        case .freeText(let text):
            switch message.channel {
            case .sms:
                return try await answer(message, "conv.help", outcome: .help, context: context, on: db)
            case .email:
                if let id = message.addressedReport ?? message.subject.flatMap(trackingID(inSubject:)) {
                    return try await reply(MIMEMessage.newText(of: text), to: id, message, context: context, on: db)
                }
                return try await file(text, message, context: context, on: db)
            default:
                // A chat continues the conversation: a report waiting for its reporter takes the message as a reply.
                if let waiting = try await reportAwaitingReporter(message, on: db) {
                    return try await reply(text, to: waiting.trackingID, message, context: context, on: db)
                }
                return try await file(text, message, context: context, on: db)
            }
        }
    }

    // MARK: What a message can do

    private static func file(
        _ text: String, _ message: InboundMessage, context: TanggapContext, on db: any Database
    ) async throws -> Outcome {
        let submission = ReportSubmission(
            classification: Classification.pengaduan.rawValue, title: title(for: text, message, context: context), body: text,
            channel: message.channel.rawValue, reporterName: message.senderName,
            reporterEmail: message.channel == .email ? message.sender : nil,
            reporterPhone: message.channel == .sms || message.channel == .whatsapp ? message.sender : nil)
        do {
            _ = try await ReportIntake.submit(
                submission, uploads: message.media, from: .channelGateway, defaultChannel: message.channel, replyAddress: message.sender,
                also: { db, receipt in
                    try await record(message, outcome: .report, reportID: receipt.reportID, context: context, on: db)
                    let words = say(
                        context, "conv.received",
                        [
                            "id": receipt.trackingID.display,
                            "secret": receipt.secret ?? "",
                        ])
                    try await Deliveries.enqueue(
                        outbound(message, words, trackingID: receipt.trackingID.display), reportID: receipt.reportID,
                        now: context.clock.now(), on: db)
                },
                context: context, on: db)
            return .report
        } catch let failure as ValidationFailure {
            let key =
                failure.errors.contains { $0.field == "attachments" || $0.field.hasPrefix("attachments") }
                ? "conv.bad_file" : "conv.too_short"
            return try await answer(message, key, outcome: .refused, context: context, on: db)
        }
    }

    private static func check(
        _ id: TrackingID, _ message: InboundMessage, context: TanggapContext, on db: any Database
    ) async throws -> Outcome {
        guard let report = try await owned(id, by: message, on: db) else {
            return try await answer(message, "conv.not_found", ["id": id.display], outcome: .refused, context: context, on: db)
        }
        let language = context.settings.language
        let holder = try await InstitutionModel.find(report.holderID, on: db)?.name ?? ""
        var values = ["id": id.display, "state": context.localizer.label(report.state, language), "holder": holder, "due": ""]
        if let due = report.stageDueAt, report.slaStage == .triage || report.slaStage == .answer {
            let date = due.formatted(
                Date.FormatStyle(
                    date: .long, time: .omitted, locale: Locale(identifier: language == .id ? "id_ID" : "en_GB"),
                    timeZone: context.settings.timeZone))
            values["due"] = " " + context.localizer.text("conv.due", language, ["date": date])
        }
        return try await answer(message, "conv.status", values, outcome: .check, reportID: report.id, context: context, on: db)
    }

    private static func reply(
        _ text: String, to id: TrackingID, _ message: InboundMessage, context: TanggapContext, on db: any Database
    ) async throws -> Outcome {
        guard let report = try await owned(id, by: message, on: db) else {
            return try await answer(message, "conv.not_found", ["id": id.display], outcome: .refused, context: context, on: db)
        }
        if message.channel == .email, !isProven(message, for: id) {
            // Anyone can write this From:. Nothing changes; the address written from hears how to answer for real.
            return try await answer(message, "conv.email_unproven", ["id": id.display], outcome: .refused, context: context, on: db)
        }
        var request = ActionRequest()
        request.text = text
        do {
            _ = try await ReportActions.perform(
                .reply, request, uploads: message.media, on: report.id!, by: .reporter, attributedTo: .reporter, channel: message.channel,
                also: { db, updated in
                    try await record(message, outcome: .reply, reportID: updated.id, context: context, on: db)
                    let holder = try await InstitutionModel.find(updated.holderID, on: db)?.name ?? ""
                    let words = say(context, "conv.reply_received", ["id": id.display, "holder": holder])
                    try await Deliveries.enqueue(
                        outbound(message, words, trackingID: id.display), reportID: updated.id, now: context.clock.now(), on: db)
                },
                context: context, on: db)
            return .reply
        } catch is TransitionError {
            return try await answer(
                message, "conv.cannot_reply", ["id": id.display], outcome: .refused, reportID: report.id, context: context, on: db)
        } catch is ValidationFailure {
            return try await answer(message, "conv.help_balas", outcome: .refused, reportID: report.id, context: context, on: db)
        }
    }

    /// An answer that changes no report: the message's record and the answer, together.
    private static func answer(
        _ message: InboundMessage, _ key: String, _ values: [String: String] = [:], outcome: Outcome, reportID: Int64? = nil,
        context: TanggapContext, on db: any Database
    ) async throws -> Outcome {
        try await db.writeTransaction { db in
            try await record(message, outcome: outcome, reportID: reportID, context: context, on: db)
            try await Deliveries.enqueue(
                outbound(message, say(context, key, values), trackingID: values["id"]), reportID: reportID,
                now: context.clock.now(), on: db)
        }
        return outcome
    }

    // MARK: Helpers

    /// An e-mail acts on a report only when it came to that report's reply address or its sender is vouched for.
    static func isProven(_ message: InboundMessage, for id: TrackingID) -> Bool {
        message.senderProven || message.addressedReport == id
    }

    /// The report, when this sender is its reporter on this channel; nil otherwise, exactly as for no report.
    private static func owned(_ id: TrackingID, by message: InboundMessage, on db: any Database) async throws -> ReportModel? {
        guard let report = try await ReportQueries.find(trackingID: id, on: db),
            ChannelRules.owns(report.contacts, sender: message.sender, on: message.channel)
        else { return nil }
        return report
    }

    private static func reportAwaitingReporter(_ message: InboundMessage, on db: any Database) async throws -> ReportModel? {
        try await ReportModel.query(on: db)
            .filter(\.$channel == message.channel).filter(\.$replyAddress == message.sender)
            .filter(\.$state ~~ [.answered, .onHold])
            .sort(\.$updatedAt, .descending).first()
    }

    private static func alreadyHandled(_ message: InboundMessage, on db: any Database) async throws -> Bool {
        try await db.sql.select().column("id").from("channel_messages")
            .where("channel", .equal, message.channel.rawValue).where("gateway_message_id", .equal, message.gatewayID)
            .first() != nil
    }

    private static func record(
        _ message: InboundMessage, outcome: Outcome, reportID: Int64?, context: TanggapContext, on db: any Database
    ) async throws {
        try await db.sql.insert(into: "channel_messages")
            .columns("channel", "gateway_message_id", "sender", "received_at", "report_id", "outcome")
            .values(
                SQLBind(message.channel.rawValue), SQLBind(message.gatewayID), SQLBind(message.sender), SQLBind(context.clock.now()),
                SQLBind(reportID), SQLBind(outcome.rawValue)
            )
            .run()
    }

    private static func outbound(_ message: InboundMessage, _ words: String, trackingID: String?) -> OutboundMessage {
        switch message.channel {
        case .email:
            let subject = (message.subject ?? "Tanggap").replacingOccurrences(of: "\n", with: " ")
            let tagged = trackingID.map { id in subject.contains(id) ? subject : "[Tanggap \(id)] \(subject)" } ?? subject
            return OutboundMessage(
                channel: .email, address: message.sender,
                subject: tagged.lowercased().hasPrefix("re:") ? tagged : "Re: " + tagged, body: words)
        case .sms:
            return OutboundMessage(channel: .sms, address: message.sender, body: String(words.prefix(ChannelText.smsLimit)))
        default:
            return OutboundMessage(channel: message.channel, address: message.sender, body: String(words.prefix(ChannelText.chatLimit)))
        }
    }

    private static func say(_ context: TanggapContext, _ key: String, _ values: [String: String] = [:]) -> String {
        context.localizer.text(key, context.settings.language, values)
    }

    /// The subject if it says something, else the start of the message, else a plain label.
    private static func title(for text: String, _ message: InboundMessage, context: TanggapContext) -> String {
        if let subject = message.subject.map({ TextNormalizer.singleLine($0) }), subject.count >= 5 { return String(subject.prefix(200)) }
        let firstLine = TextNormalizer.singleLine(String(text.split(whereSeparator: \.isNewline).first ?? ""))
        if firstLine.count >= 5 {
            guard firstLine.count > 80 else { return firstLine }
            let cut = firstLine.prefix(80)
            return String(cut[..<(cut.lastIndex(of: " ") ?? cut.endIndex)]) + "…"
        }
        return say(context, "conv.title", ["channel": context.localizer.label(message.channel, context.settings.language)])
    }

    /// `[Tanggap ABCDE-FGHJK] …`, `Re: … ABCDEFGHJK …`: the first word of the subject that is a valid tracking ID.
    static func trackingID(inSubject subject: String) -> TrackingID? {
        let words = subject.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" })
        return words.lazy.compactMap { TrackingID(parsing: String($0)) }.first
    }
}
