import Fluent
import SQLKit

/// Each open report carries its deadlines, so that "what is late" and "what must the sweeper look at" are
/// index range scans, never a computation over the whole table.
struct M0009_AddReportDeadlines: AsyncMigration {
    var name: String { "M0009_AddReportDeadlines" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        let columns: [(String, DatabaseSchema.DataType)] = [
            ("sla_stage", .string), ("stage_started_at", .datetime), ("stage_due_at", .datetime), ("yellow_at", .datetime),
            ("sla_light", .string), ("case_due_at", .datetime), ("held_at", .datetime), ("sla_next_check_at", .datetime),
        ]
        for (name, type) in columns {
            try await database.schema("reports").field(.string(name), type).update()
        }
        try await database.schema("reports").field("ladder_rung", .int, .required, .sql(.default(0))).update()
        for statement in [
            "CREATE INDEX reports_sla_next_check ON reports (sla_next_check_at) WHERE sla_next_check_at IS NOT NULL",
            "CREATE INDEX reports_stage_due ON reports (stage_due_at) WHERE stage_due_at IS NOT NULL",
        ] {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        for column in [
            "sla_stage", "stage_started_at", "stage_due_at", "yellow_at", "sla_light", "case_due_at", "held_at",
            "ladder_rung", "sla_next_check_at",
        ] {
            try await database.schema("reports").deleteField(.string(column)).update()
        }
    }
}
