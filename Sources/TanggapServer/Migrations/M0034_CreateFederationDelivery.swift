import Fluent
import SQLKit

/// Federation, second part: the events waiting for each peer (the federation outbox), the reports handed across the
/// border each way, the lease that lets one process at a time deliver to a peer (so its events arrive in order), and
/// the figures read from each peer.
struct M0034_CreateFederationDelivery: AsyncMigration {
    var name: String { "M0034_CreateFederationDelivery" }

    func prepare(on database: any Database) async throws {
        try await database.schema("federation_outbox")
            .field("id", .int64, .identifier(auto: true))
            .field("peer_id", .int64, .required, .references("federation_peers", "id", onDelete: .cascade))
            .field("event_id", .string, .required)
            .field("type", .string, .required)
            // The hand-over's reference: events about one case are delivered in order, cases side by side.
            .field("ref", .string, .required)
            .field("report_id", .int64)
            // The event as it is sent, JSON; signed anew at each attempt.
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            // queued, delivered, or dead (given up: kept for an admin to see and send again).
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("delivered_at", .datetime)
            .field("last_error", .string)
            .create()
        try await database.sql.raw("CREATE INDEX federation_outbox_queue ON federation_outbox (peer_id, state, id)").run()
        try await database.schema("federation_links")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .required, .references("reports", "id"))
            .field("peer_id", .int64, .required)
            // handed_out: this instance is the origin and the peer holds the case; handed_in: the other way round.
            .field("direction", .string, .required)
            // The hand-over's reference, made by the origin: what both sides' events name the case by.
            .field("ref", .string, .required)
            .field("remote_tracking_id", .string)
            // The instance ids the case passed through before it reached the holder, JSON: handed on, it carries them.
            .field("hops", .string, .required)
            .field("is_active", .bool, .required)
            // What the holder last said of the case (report.status), for the origin's pages.
            .field("remote_state", .string)
            .field("remote_holder", .string)
            .field("remote_due_at", .datetime)
            .field("remote_light", .string)
            .field("remote_status_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "peer_id", "ref")
            .create()
        try await database.sql.raw("CREATE INDEX federation_links_report ON federation_links (report_id)").run()
        // Each peer's published figures as last read, for the national statistics.
        try await database.schema("federation_figures")
            .field("peer_id", .int64, .identifier(auto: false), .references("federation_peers", "id", onDelete: .cascade))
            .field("figures", .string, .required)
            .field("fetched_at", .datetime, .required)
            .create()
        // What applying an event came to: applied, or declined with the rule's code (the event stays received once).
        try await database.schema("federation_inbox").field("outcome", .string).update()
        // One column at a time: SQLite adds one per statement.
        try await database.schema("federation_peers").field("delivery_holder", .string).update()
        try await database.schema("federation_peers").field("delivery_lease_until", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("federation_peers").deleteField("delivery_lease_until").update()
        try await database.schema("federation_peers").deleteField("delivery_holder").update()
        try await database.schema("federation_inbox").deleteField("outcome").update()
        try await database.schema("federation_figures").delete()
        try await database.schema("federation_links").delete()
        try await database.schema("federation_outbox").delete()
    }
}
