import Fluent
import SQLKit

/// Background work in the database: the job queue (also the outbox: jobs are written in the same transaction
/// as the change that causes them), the leases that let one process run each periodic task, and the in-app
/// notifications that reminders are made of.
struct M0011_CreateJobs: AsyncMigration {
    var name: String { "M0011_CreateJobs" }

    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .field("id", .int64, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            // queued, running, done, dead
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("max_attempts", .int, .required)
            .field("run_at", .datetime, .required)
            .field("locked_by", .string)
            .field("locked_until", .datetime)
            .field("last_error", .string)
            // At most one queued or running job per key: enqueueing it again adds nothing.
            .field("dedupe_key", .string)
            .field("created_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        for statement in [
            "CREATE INDEX jobs_ready ON jobs (run_at, id) WHERE state = 'queued'",
            "CREATE INDEX jobs_running ON jobs (locked_until) WHERE state = 'running'",
            "CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'running')",
        ] {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }

        try await database.schema("periodic_leases")
            .field("name", .string, .identifier(auto: false))
            .field("holder", .string)
            .field("leased_until", .datetime, .required)
            .field("last_run_at", .datetime)
            .create()

        try await database.schema("notifications")
            .field("id", .int64, .identifier(auto: true))
            .field("user_id", .int64, .required, .references("users", "id", onDelete: .cascade))
            .field("report_id", .int64, .references("reports", "id"))
            // yellow, red, ladder
            .field("kind", .string, .required)
            .field("institution_id", .int64, .references("institutions", "id"))
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .field("emailed_at", .datetime)
            .create()
        try await database.sql.raw("CREATE INDEX notifications_user ON notifications (user_id, id)").run()
        try await database.sql.raw("CREATE INDEX notifications_unemailed ON notifications (user_id) WHERE emailed_at IS NULL").run()

        // Proof that the queue gives each job to one worker: `tanggap jobs probe` fills it.
        try await database.schema("job_probes")
            .field("job_id", .int64, .identifier(auto: false))
            .field("worker", .string, .required)
            .field("at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["job_probes", "notifications", "periodic_leases", "jobs"] { try await database.schema(table).delete() }
    }
}
