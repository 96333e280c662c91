import Fluent
import Foundation
import Logging
import SQLKit

/// Sends the federation outbox. One process at a time delivers to a given peer (it holds the peer's lease); the
/// events about one case go one at a time in the order they were written, so they arrive in the order they happened,
/// while several cases go side by side.
/// An event the peer cannot take now (unreachable, a 5xx) stops that round and is tried again with a growing wait, for
/// up to a week: a peer down for a day loses nothing. One the peer refuses (a 4xx) is tried a few times,
/// then given up ("dead") so that it does not hold back the rest; an admin sees it and may send it again.
struct FederationCourier: Sendable {
    let name: String
    let context: TanggapContext
    let logger: Logger
    var batchSize = 400
    /// How many cases are delivered side by side to one peer.
    var lanes = 8
    var lease: TimeInterval = 60

    static let refusalsBeforeGivingUp = 8
    static let keptTrying: TimeInterval = 7 * 86_400
    static let longestWait: TimeInterval = 300

    /// The wait before attempt `attempts + 1`: the base doubling each time, at most five minutes.
    static func wait(afterAttempts attempts: Int, base: Double) -> TimeInterval {
        min(longestWait, base * pow(2, Double(min(attempts, 16))))
    }

    /// Runs until cancelled, resting a little when nothing is due.
    func run(idle: Duration = .milliseconds(200), database: @escaping @Sendable () -> any Database) async {
        while !Task.isCancelled {
            do {
                if try await deliverDue(on: database()) == 0 { try await Task.sleep(for: idle) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("federation delivery round failed", metadata: ["error": .string(String(describing: error))])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// One round over every peer with something due. Returns how many events were delivered.
    @discardableResult
    func deliverDue(on db: any Database) async throws -> Int {
        let due = try await FederationOutbox.duePeers(now: context.clock.now(), on: db)
        guard !due.isEmpty else { return 0 }
        let identity = try await InstanceKeys.load(settings: context.settings, now: context.clock.now(), on: db)
        var delivered = 0
        for peerID in due {
            guard try await takeLease(peerID, on: db) else { continue }
            do {
                delivered += try await deliver(to: peerID, identity: identity, on: db)
            } catch {
                try? await releaseLease(peerID, on: db)
                throw error
            }
            try await releaseLease(peerID, on: db)
        }
        return delivered
    }

    private struct Target: Decodable {
        let instance_id: String
        let inbox_url: String
    }

    /// What one lane of delivery came to.
    private struct LaneResult: Sendable {
        var delivered: [FederationOutbox.Entry] = []
        var notes: [Int64: String] = [:]
    }

    /// Delivers the peer's due events: the events about each case one after another, in their order, several cases
    /// side by side (`lanes`). A case whose next event waits for a retry waits whole; an unreachable peer stops the
    /// round. What was accepted is marked in one statement at the end (an event sent again after a crash in between is
    /// acknowledged by the peer as a duplicate, and applied once).
    private func deliver(to peerID: Int64, identity: InstanceKeys.Identity, on db: any Database) async throws -> Int {
        guard
            let peer = try await db.sql.select().columns("instance_id", "inbox_url").from("federation_peers")
                .where("id", .equal, peerID).first(decoding: Target.self)
        else { return 0 }
        let now = context.clock.now()
        var cases: [String: [FederationOutbox.Entry]] = [:]
        var order: [String] = []
        for entry in try await FederationOutbox.next(for: peerID, limit: batchSize, on: db) {
            if cases[entry.ref] == nil { order.append(entry.ref) }
            cases[entry.ref, default: []].append(entry)
        }
        let ready = order.compactMap { cases[$0] }.filter { $0[0].nextAttemptAt <= now }
        guard !ready.isEmpty else { return 0 }
        let laneCount = min(lanes, ready.count)
        let peerDown = StopFlag()
        let results = try await withThrowingTaskGroup(of: LaneResult.self) { group in
            for lane in 0..<laneCount {
                let mine = stride(from: lane, to: ready.count, by: laneCount).map { ready[$0] }
                group.addTask {
                    try await deliver(mine, to: peer, identity: identity, peerDown: peerDown, on: db)
                }
            }
            return try await group.reduce(into: [LaneResult]()) { $0.append($1) }
        }
        let delivered = results.flatMap(\.delivered)
        guard !delivered.isEmpty else { return 0 }
        let at = context.clock.now()
        try await FederationOutbox.delivered(
            delivered, notes: results.reduce(into: [:]) { $0.merge($1.notes) { a, _ in a } }, now: at, on: db)
        try await db.sql.update("federation_peers").set("last_delivered_at", to: SQLBind(at)).where("id", .equal, peerID).run()
        return delivered.count
    }

    /// One lane: its cases one after another, each case's events in order until one fails.
    private func deliver(
        _ cases: [[FederationOutbox.Entry]], to peer: Target, identity: InstanceKeys.Identity, peerDown: StopFlag,
        on db: any Database
    ) async throws -> LaneResult {
        var result = LaneResult()
        for events in cases {
            for entry in events {
                if peerDown.isSet { return result }
                let now = context.clock.now()
                do {
                    let event = try entry.event(from: identity.instanceID)
                    let receipt = try await PeerClient.deliver(event, to: peer.inbox_url, signer: identity.signer, now: now)
                    result.delivered.append(entry)
                    if let outcome = receipt.outcome, outcome != "applied" { result.notes[entry.id] = outcome }
                } catch {
                    let refused = (error as? PeerClient.Refused).map { (400..<500).contains($0.status) } ?? false
                    if !refused { peerDown.set() }
                    let givesUp =
                        refused
                        ? entry.attempts + 1 >= Self.refusalsBeforeGivingUp : now.timeIntervalSince(entry.createdAt) > Self.keptTrying
                    let retryAt =
                        givesUp
                        ? nil : now.addingTimeInterval(Self.wait(afterAttempts: entry.attempts, base: context.settings.jobBackoffSeconds))
                    try await FederationOutbox.failed(entry, error: String(describing: error), retryAt: retryAt, on: db)
                    try await Peers.noteError("delivery: \(error)", instance: peer.instance_id, now: now, on: db)
                    logger.warning(
                        "federation event not delivered",
                        metadata: [
                            "peer": .string(peer.instance_id), "event": .string(entry.eventID), "type": .string(entry.type),
                            "attempt": .stringConvertible(entry.attempts + 1), "given_up": .stringConvertible(givesUp),
                            "error": .string(String(describing: error)),
                        ])
                    // The case's later events wait for this one, unless it was given up.
                    if !givesUp { break }
                }
            }
        }
        return result
    }

    /// Whoever moves the peer's lease forward first delivers to it until the lease ends or it is released.
    private func takeLease(_ peerID: Int64, on db: any Database) async throws -> Bool {
        let now = context.clock.now()
        return try await db.sql.update("federation_peers").set("delivery_holder", to: SQLBind(name))
            .set("delivery_lease_until", to: SQLBind(now.addingTimeInterval(lease))).where("id", .equal, peerID)
            .where { $0.where("delivery_lease_until", .is, SQLLiteral.null).orWhere("delivery_lease_until", .lessThan, SQLBind(now)) }
            .returning("id").first() != nil
    }

    private func releaseLease(_ peerID: Int64, on db: any Database) async throws {
        try await db.sql.update("federation_peers").set("delivery_lease_until", to: SQLLiteral.null).where("id", .equal, peerID)
            .where("delivery_holder", .equal, SQLBind(name)).run()
    }
}

/// A flag that lanes running side by side set and read: the first lane to find the peer unreachable stops the others.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
