import Fluent
import SQLKit

/// Open311 as a client: institution nodes whose own system takes Open311, and each report dispatched to one —
/// sent through the job queue (retries, backoff, dead letter), then followed by polling until the body is done.
struct M0040_CreateOpen311Dispatch: AsyncMigration {
    var name: String { "M0040_CreateOpen311Dispatch" }

    func prepare(on database: any Database) async throws {
        try await database.schema("open311_endpoints")
            .field("institution_id", .int64, .identifier(auto: false), .references("institutions", "id"))
            .field("base_url", .string, .required)
            .field("jurisdiction_id", .string)
            // The key the body gave this deployment: sent in the body of each POST, never shown, never logged.
            .field("api_key", .string, .required)
            // {category id: the body's service code}, read from its services.json and corrected by the admin.
            .field("service_map", .string, .required)
            .field("default_service_code", .string)
            // Whether a reporter who is not anonim is named to the body (name, e-mail, phone); off by default.
            .field("sends_contacts", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("last_success_at", .datetime)
            .field("last_error", .string)
            .field("last_error_at", .datetime)
            .field("last_polled_at", .datetime)
            .create()
        try await database.schema("open311_dispatches")
            .field("id", .int64, .identifier(auto: true))
            .field("report_id", .int64, .required, .references("reports", "id"))
            .field("institution_id", .int64, .required, .references("open311_endpoints", "institution_id"))
            // queued → sent → ended; failed when the body refused it for good (its job's dead letter says why).
            .field("state", .string, .required)
            .field("remote_id", .string)
            .field("remote_status", .string)
            // The body's last public note already turned into an answer here, so a note is applied once.
            .field("remote_notes", .string)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .field("ended_at", .datetime)
            .create()
        try await database.sql.raw("CREATE INDEX open311_dispatches_report ON open311_dispatches (report_id)").run()
        try await database.sql.raw(
            "CREATE INDEX open311_dispatches_followed ON open311_dispatches (institution_id) WHERE state = 'sent'"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("open311_dispatches").delete()
        try await database.schema("open311_endpoints").delete()
    }
}
