import Fluent
import Foundation
import Logging
import SQLKit

/// Sends the federation outbox. One process at a time delivers to a given peer (it holds the peer's lease), one
/// event at a time in the order they were written, so events about a report arrive in the order they happened.
/// An event the peer cannot take now (unreachable, a 5xx) stops that peer's queue and is tried again with a growing
/// wait, for up to a week: a peer down for a day loses nothing. One the peer refuses (a 4xx) is tried a few times,
/// then given up ("dead") so that it does not hold back the rest; an admin sees it and may send it again.
struct FederationCourier: Sendable {
    let name: String
    let context: TanggapContext
    let logger: Logger
    var batchSize = 200
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

    private func deliver(to peerID: Int64, identity: InstanceKeys.Identity, on db: any Database) async throws -> Int {
        struct Target: Decodable {
            let instance_id: String
            let inbox_url: String
        }
        guard
            let peer = try await db.sql.select().columns("instance_id", "inbox_url").from("federation_peers")
                .where("id", .equal, peerID).first(decoding: Target.self)
        else { return 0 }
        var delivered = 0
        for entry in try await FederationOutbox.next(for: peerID, limit: batchSize, on: db) {
            let now = context.clock.now()
            guard entry.nextAttemptAt <= now else { break }
            do {
                let event = try entry.event(from: identity.instanceID)
                let receipt = try await PeerClient.deliver(event, to: peer.inbox_url, signer: identity.signer, now: now)
                try await FederationOutbox.delivered(entry, note: receipt.outcome, now: context.clock.now(), on: db)
                try await db.sql.update("federation_peers").set("last_delivered_at", to: SQLBind(context.clock.now()))
                    .where("id", .equal, peerID).run()
                delivered += 1
            } catch {
                let refused = (error as? PeerClient.Refused).map { (400..<500).contains($0.status) } ?? false
                let givesUp =
                    refused ? entry.attempts + 1 >= Self.refusalsBeforeGivingUp : now.timeIntervalSince(entry.createdAt) > Self.keptTrying
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
                // What comes after waits for this one, unless it was given up.
                if !givesUp { break }
            }
        }
        return delivered
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
