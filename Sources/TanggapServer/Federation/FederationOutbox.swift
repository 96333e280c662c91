import Fluent
import Foundation
import SQLKit

/// Events waiting for a peer. An event is written in the same transaction as the action that caused it, so a
/// hand-over that committed is sure to be sent, and one that rolled back never is; `FederationCourier` sends them,
/// the events about each case in the order they were written.
enum FederationOutbox {
    /// What is kept of an event until it is sent: the envelope's sender and signature are added at each attempt.
    struct Stored: Codable {
        let report: String?
        let payload: FederationPayload
    }

    enum State: String { case queued, delivered, dead }

    static func enqueue(
        _ kind: FederationEvent.Kind, ref: String, payload: FederationPayload, to peerID: Int64, reportID: Int64?, now: Date,
        on db: any Database
    ) async throws {
        let body = String(decoding: try FederationJSON.encoder.encode(Stored(report: ref, payload: payload)), as: UTF8.self)
        try await db.sql.insert(into: "federation_outbox")
            .columns("peer_id", "event_id", "type", "ref", "report_id", "body", "created_at", "state", "attempts", "next_attempt_at")
            .values(
                SQLBind(peerID), SQLBind(UUID().uuidString.lowercased()), SQLBind(kind.rawValue), SQLBind(ref), SQLBind(reportID),
                SQLBind(body),
                SQLBind(now), SQLBind(State.queued.rawValue), SQLBind(0), SQLBind(now)
            ).run()
    }

    /// One queued event as the courier reads it.
    struct Entry: Decodable {
        let id: Int64
        let eventID: String
        let type: String
        let ref: String
        let body: String
        let createdAt: Date
        let attempts: Int
        let nextAttemptAt: Date

        func event(from sender: String) throws -> FederationEvent {
            let stored = try FederationJSON.decoder.decode(Stored.self, from: Data(body.utf8))
            return FederationEvent(
                id: eventID, type: type, sender: sender, createdAt: createdAt, report: stored.report, payload: stored.payload)
        }
    }

    /// The next queued events of a peer, oldest first.
    static func next(for peerID: Int64, limit: Int, on db: any Database) async throws -> [Entry] {
        try await db.sql.select().columns("id", "event_id", "type", "ref", "body", "created_at", "attempts", "next_attempt_at")
            .from("federation_outbox").where("peer_id", .equal, peerID).where("state", .equal, State.queued.rawValue)
            .orderBy("id").limit(limit).all(decoding: Entry.self, with: FederationJSON.rowDecoder)
    }

    /// The active peers with an event due now.
    static func duePeers(now: Date, on db: any Database) async throws -> [Int64] {
        try await db.sql.raw(
            """
            SELECT DISTINCT o.peer_id FROM federation_outbox o
            JOIN federation_peers p ON p.id = o.peer_id AND p.status = 'active'
            WHERE o.state = 'queued' AND o.next_attempt_at <= \(bind: now)
            """
        ).all(decodingColumn: "peer_id", as: Int64.self)
    }

    /// Marks events the peer accepted, many in one statement; `notes` keeps what applying some of them came to.
    static func delivered(_ entries: [Entry], notes: [Int64: String], now: Date, on db: any Database) async throws {
        for chunk in stride(from: 0, to: entries.count, by: 500).map({ Array(entries[$0..<min($0 + 500, entries.count)]) }) {
            try await db.sql.update("federation_outbox").set("state", to: SQLBind(State.delivered.rawValue))
                .set("delivered_at", to: SQLBind(now)).set(SQLIdentifier("attempts"), to: SQLRaw("attempts + 1"))
                .where("id", .in, chunk.map(\.id)).run()
        }
        for (id, note) in notes {
            try await db.sql.update("federation_outbox").set("last_error", to: SQLBind(note)).where("id", .equal, id).run()
        }
    }

    /// A failed attempt: tried again after `retryAt`, or given up (`dead`) when `retryAt` is nil.
    static func failed(_ entry: Entry, error: String, retryAt: Date?, on db: any Database) async throws {
        var update = db.sql.update("federation_outbox").set("attempts", to: SQLBind(entry.attempts + 1))
            .set("last_error", to: SQLBind(String(error.prefix(500))))
        if let retryAt {
            update = update.set("next_attempt_at", to: SQLBind(retryAt))
        } else {
            update = update.set("state", to: SQLBind(State.dead.rawValue))
        }
        try await update.where("id", .equal, entry.id).run()
    }

    /// Sends a peer's given-up events again, in their order, from now. Returns how many.
    static func retryDead(peerID: Int64, now: Date, on db: any Database) async throws -> Int {
        try await db.sql.update("federation_outbox").set("state", to: SQLBind(State.queued.rawValue)).set("attempts", to: SQLBind(0))
            .set("next_attempt_at", to: SQLBind(now)).where("peer_id", .equal, peerID).where("state", .equal, State.dead.rawValue)
            .returning("id").all().count
    }

    /// Sent events are kept a week, for an admin looking into a link, then removed.
    static func purgeDelivered(olderThan age: TimeInterval, now: Date, on db: any Database) async throws {
        try await db.sql.delete(from: "federation_outbox").where("state", .equal, State.delivered.rawValue)
            .where("delivered_at", .lessThan, SQLBind(now.addingTimeInterval(-age))).run()
    }

    /// Per peer: how many events wait, since when, and how many were given up.
    struct Queue: Decodable, Sendable {
        let peerID: Int64
        let queued: Int
        let oldestQueuedAt: Date?
        let dead: Int
    }

    static func queues(on db: any Database) async throws -> [Int64: Queue] {
        let rows = try await db.sql.raw(
            """
            SELECT peer_id,
                   SUM(CASE WHEN state = 'queued' THEN 1 ELSE 0 END) AS queued,
                   MIN(CASE WHEN state = 'queued' THEN created_at END) AS oldest_queued_at,
                   SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END) AS dead
            FROM federation_outbox WHERE state <> 'delivered' GROUP BY peer_id
            """
        ).all(decoding: Queue.self, with: FederationJSON.rowDecoder)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.peerID, $0) })
    }
}
