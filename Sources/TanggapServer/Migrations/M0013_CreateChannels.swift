import Fluent
import SQLKit

/// Channels in and out: the address to answer a reporter at on their own channel, every inbound gateway message
/// once (its id makes a redelivery a no-op), and every outbound message with its fate (the delivery log).
struct M0013_CreateChannels: AsyncMigration {
    var name: String { "M0013_CreateChannels" }

    func prepare(on database: any Database) async throws {
        try await database.schema("reports").field("reply_address", .string).update()

        try await database.schema("channel_messages")
            .field("id", .int64, .identifier(auto: true))
            .field("channel", .string, .required)
            .field("gateway_message_id", .string, .required)
            .field("sender", .string, .required)
            .field("received_at", .datetime, .required)
            .field("report_id", .int64, .references("reports", "id"))
            // report, reply, check, help: what the message turned into.
            .field("outcome", .string, .required)
            .unique(on: "channel", "gateway_message_id")
            .create()

        try await database.schema("deliveries")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .references("reports", "id"))
            .field("channel", .string, .required)
            .field("address", .string, .required)
            .field("subject", .string)
            .field("body", .string, .required)
            // pending, sending (taken by a worker until claimed_until), sent, or failed (see the dead letters).
            .field("status", .string, .required)
            .field("claimed_until", .datetime)
            .field("attempts", .int, .required, .sql(.default(0)))
            .field("last_error", .string)
            .field("gateway_message_id", .string)
            // queued, sent, delivered, read or failed, as the gateway last reported it.
            .field("gateway_status", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()

        for statement in [
            "CREATE INDEX reports_reply_address ON reports (channel, reply_address, id) WHERE reply_address IS NOT NULL",
            "CREATE INDEX deliveries_report ON deliveries (report_id, id)",
            "CREATE INDEX deliveries_gateway_id ON deliveries (channel, gateway_message_id)",
        ] {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("deliveries").delete()
        try await database.schema("channel_messages").delete()
        try await database.schema("reports").deleteField("reply_address").update()
    }
}
