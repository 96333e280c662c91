import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// The outbox of messages to reporters: a row per message (the delivery log a report shows) and a job that
/// sends it, both written in the transaction of the change that causes them. The job queue retries with
/// backoff; a message that exhausts its attempts is marked failed and its job waits in the dead letter.
enum Deliveries {
    static let jobKind = "channel.deliver"
    static let maxAttempts = 10

    struct Payload: Codable { let delivery: Int64 }

    /// What the job needs of a message.
    struct PendingMessage: Decodable, Sendable {
        let id: Int64
        let channel: String
        let address: String
        let subject: String?
        let body: String
    }

    /// One line of a report's delivery log, as staff read it (`GET /reports/{id}/deliveries`).
    struct LogEntry: Content {
        let channel: String
        /// Nil where the viewer may not know the reporter: on an anonim report the address is who they are.
        var address: String?
        let subject: String?
        let body: String
        let status: String
        let attempts: Int
        let last_error: String?
        let gateway_message_id: String?
        let gateway_status: String?
        let created_at: Date
        let sent_at: Date?
    }

    static func enqueue(
        _ message: OutboundMessage, reportID: Int64?, now: Date, on db: any Database
    ) async throws {
        struct Inserted: Decodable { let id: Int64 }
        guard
            let inserted = try await db.sql.insert(into: "deliveries")
                .columns("report_id", "channel", "address", "subject", "body", "status", "attempts", "created_at")
                .values(
                    SQLBind(reportID), SQLBind(message.channel.rawValue), SQLBind(message.address), SQLBind(message.subject),
                    SQLBind(message.body), SQLBind("pending"), SQLBind(0), SQLBind(now)
                )
                .returning("id").first(decoding: Inserted.self)
        else { throw DeliveryError.notStored }
        try await JobQueue.enqueue(jobKind, payload: Payload(delivery: inserted.id), runAt: now, maxAttempts: maxAttempts, on: db)
    }

    /// The job: sends one message once. A message already sent is not sent again, whatever the queue does.
    static let send: JobHandler = { run in
        let payload = try run.payload(Payload.self)
        guard
            let row = try await run.db.sql.select().columns("id", "channel", "address", "subject", "body").from("deliveries")
                .where("id", .equal, payload.delivery).first(decoding: PendingMessage.self)
        else { return }
        guard let channel = TanggapCore.Channel(rawValue: row.channel), try await take(row.id, now: run.now, on: run.db) else { return }
        let message = OutboundMessage(channel: channel, address: row.address, subject: row.subject, body: row.body)
        do {
            guard let sender = ChannelSenders.sender(for: channel, context: run.context) else { throw DeliveryError.channelOff(channel) }
            let gatewayID = try await sender.send(message)
            try await run.db.sql.update("deliveries")
                .set("status", to: "sent").set("attempts", to: SQLRaw("attempts + 1")).set("sent_at", to: run.now)
                .set("gateway_message_id", to: gatewayID).set("last_error", to: SQLLiteral.null)
                .where("id", .equal, row.id).run()
        } catch {
            let last = run.job.attempts >= run.job.max_attempts
            try await run.db.sql.update("deliveries")
                .set("status", to: last ? "failed" : "pending").set("attempts", to: SQLRaw("attempts + 1"))
                .set("last_error", to: String(String(describing: error).prefix(500)))
                .where("id", .equal, row.id).run()
            throw error
        }
    }

    /// Takes a message for one attempt. A second run of its job (after a lease ran out while a slow gateway
    /// kept the first one busy) finds it taken and sends nothing.
    private static func take(_ id: Int64, now: Date, on db: any Database) async throws -> Bool {
        struct Taken: Decodable { let id: Int64 }
        return try await db.sql.raw(
            """
            UPDATE deliveries SET status = 'sending', claimed_until = \(bind: now.addingTimeInterval(sendingLease))
            WHERE id = \(bind: id) AND (status = 'pending' OR (status = 'sending' AND claimed_until < \(bind: now)))
            RETURNING id
            """
        ).first(decoding: Taken.self) != nil
    }

    /// Longer than any gateway call may take.
    static let sendingLease: TimeInterval = 180

    /// The delivery log of one report, oldest first, with the reporter's addresses only for a viewer who may
    /// see the reporter's identity.
    static func log(of reportID: Int64, access: ReportAccess, on db: any Database) async throws -> [LogEntry] {
        let entries = try await db.sql.select()
            .columns(
                "channel", "address", "subject", "body", "status", "attempts", "last_error", "gateway_message_id",
                "gateway_status", "created_at", "sent_at"
            )
            .from("deliveries").where("report_id", .equal, reportID).orderBy("id").all(decoding: LogEntry.self)
        guard !access.seesReporterIdentity else { return entries }
        return entries.map { entry in
            var masked = entry
            masked.address = nil
            return masked
        }
    }

    /// A gateway's later word on a message it accepted.
    static func record(_ update: DeliveryStatusUpdate, on db: any Database) async throws {
        try await db.sql.update("deliveries").set("gateway_status", to: String(update.status.prefix(20)))
            .where("channel", .equal, update.channel.rawValue).where("gateway_message_id", .equal, update.gatewayID).run()
    }

    enum DeliveryError: Error, CustomStringConvertible {
        case notStored
        case channelOff(TanggapCore.Channel)

        var description: String {
            switch self {
            case .notStored: "the delivery row was not stored"
            case .channelOff(let channel): "no gateway is configured for \(channel.rawValue)"
            }
        }
    }
}
