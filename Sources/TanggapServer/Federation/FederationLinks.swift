import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The reports handed across the border, each way: which peer, under which reference, and — at the origin — what
/// the holder last said of the case. A report has at most one active link each way (a case handed in from the
/// origin may be handed on to a third instance: A → N → B).
enum FederationLinks {
    enum Direction: String, Codable, Sendable {
        /// This instance is the origin; the peer holds the case.
        case handedOut = "handed_out"
        /// The peer is the origin; this instance holds the case.
        case handedIn = "handed_in"
    }

    struct Link: Codable, Sendable {
        let id: Int64
        let reportID: Int64
        let peerID: Int64
        let direction: Direction
        let ref: String
        let remoteTrackingID: String?
        let hops: String
        let isActive: Bool
        let remoteState: String?
        let remoteHolder: String?
        let remoteDueAt: Date?
        let remoteLight: String?
        let remoteStatusAt: Date?

        var hopList: [String] { (try? JSONDecoder().decode([String].self, from: Data(hops.utf8))) ?? [] }
    }

    static let columns = [
        "id", "report_id", "peer_id", "direction", "ref", "remote_tracking_id", "hops", "is_active", "remote_state", "remote_holder",
        "remote_due_at", "remote_light", "remote_status_at",
    ]

    private static func select(on db: any Database) -> SQLSelectBuilder {
        db.sql.select().columns(columns.map { SQLIdentifier($0) }).from("federation_links")
    }

    /// The active links of a report (at most one each way).
    static func active(of reportID: Int64, on db: any Database) async throws -> [Link] {
        try await select(on: db).where("report_id", .equal, reportID).where("is_active", .equal, true)
            .all(decoding: Link.self, with: FederationJSON.rowDecoder)
    }

    /// The link a peer's event names, by that peer and the hand-over's reference.
    static func find(peerID: Int64, ref: String, on db: any Database) async throws -> Link? {
        try await select(on: db).where("peer_id", .equal, peerID).where("ref", .equal, ref.lowercased())
            .first(decoding: Link.self, with: FederationJSON.rowDecoder)
    }

    /// Every hand-over out of these reports, active or ended, whose case carried the reporter's name (it was not
    /// anonim): where an erasure must follow.
    static func handedOutWithName(ofReports reportIDs: [Int64], on db: any Database) async throws -> [Link] {
        var links: [Link] = []
        for batch in reportIDs.chunked(500) {
            let named = try await db.sql.select().column("id").from("reports").where("id", .in, SQLBind.group(Array(batch)))
                .where("is_anonymous", .equal, SQLBind(false)).all(decodingColumn: "id", as: Int64.self)
            guard !named.isEmpty else { continue }
            links += try await select(on: db).where("direction", .equal, Direction.handedOut.rawValue)
                .where("report_id", .in, SQLBind.group(named)).all(decoding: Link.self, with: FederationJSON.rowDecoder)
        }
        return links
    }

    /// The most recent link of each direction for a report, active or not: what its pages show.
    static func latest(of reportID: Int64, on db: any Database) async throws -> [Link] {
        let all = try await select(on: db).where("report_id", .equal, reportID).orderBy("id", .descending)
            .all(decoding: Link.self, with: FederationJSON.rowDecoder)
        return [Direction.handedOut, .handedIn].compactMap { direction in all.first { $0.direction == direction } }
    }

    /// The latest hand-over each way, as a report's pages and the API show it.
    static func representations(of reportID: Int64, on db: any Database) async throws -> [HandoverRepresentation] {
        let links = try await latest(of: reportID, on: db)
        guard !links.isEmpty else { return [] }
        let names = try await Peers.names(on: db)
        return links.map { link in
            HandoverRepresentation(
                direction: link.direction, peer: names[link.peerID] ?? "–", remoteTrackingID: link.remoteTrackingID,
                isActive: link.isActive, remoteState: link.remoteState.flatMap(ReportState.init(rawValue:)),
                remoteHolder: link.remoteHolder, remoteDueAt: link.remoteDueAt,
                remoteLight: link.remoteLight.flatMap(TrafficLight.init(rawValue:)))
        }
    }

    @discardableResult
    static func create(
        reportID: Int64, peerID: Int64, direction: Direction, ref: String, remoteTrackingID: String?, hops: [String], now: Date,
        on db: any Database
    ) async throws -> String {
        let hopsText = String(decoding: try JSONEncoder().encode(hops), as: UTF8.self)
        try await db.sql.insert(into: "federation_links")
            .columns("report_id", "peer_id", "direction", "ref", "remote_tracking_id", "hops", "is_active", "created_at", "updated_at")
            .values(
                SQLBind(reportID), SQLBind(peerID), SQLBind(direction.rawValue), SQLBind(ref.lowercased()), SQLBind(remoteTrackingID),
                SQLBind(hopsText), SQLBind(true), SQLBind(now), SQLBind(now)
            ).run()
        return ref
    }

    static func end(_ link: Link, now: Date, on db: any Database) async throws {
        try await db.sql.update("federation_links").set("is_active", to: SQLBind(false)).set("updated_at", to: SQLBind(now))
            .where("id", .equal, link.id).run()
    }

    static func noteAccepted(_ link: Link, trackingID: String, now: Date, on db: any Database) async throws {
        try await db.sql.update("federation_links").set("remote_tracking_id", to: SQLBind(String(trackingID.prefix(40))))
            .set("updated_at", to: SQLBind(now)).where("id", .equal, link.id).run()
    }

    /// What the holder says of the case; a status older than the one kept never overwrites it.
    static func noteStatus(_ link: Link, _ payload: FederationPayload, at createdAt: Date, now: Date, on db: any Database) async throws {
        if let known = link.remoteStatusAt, known > createdAt { return }
        try await db.sql.update("federation_links")
            .set("remote_state", to: SQLBind(payload.state.map { String($0.prefix(40)) }))
            .set("remote_holder", to: SQLBind(payload.holder.map { String($0.prefix(300)) }))
            .set("remote_due_at", to: SQLBind(payload.dueAt)).set("remote_light", to: SQLBind(payload.light.map { String($0.prefix(20)) }))
            .set("remote_status_at", to: SQLBind(createdAt)).set("updated_at", to: SQLBind(now)).where("id", .equal, link.id).run()
    }
}
