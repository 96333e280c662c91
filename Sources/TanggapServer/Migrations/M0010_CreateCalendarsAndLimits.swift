import Fluent
import SQLKit

/// Working weekdays per institution (inherited when unset), dated holidays (national ones have no institution),
/// and the SLA overrides per institution and classification.
struct M0010_CreateCalendarsAndLimits: AsyncMigration {
    var name: String { "M0010_CreateCalendarsAndLimits" }

    func prepare(on database: any Database) async throws {
        // ISO weekdays as "1,2,3,4,5"; nil inherits the parent's.
        try await database.schema("institutions").field("working_weekdays", .string).update()

        try await database.schema("holidays")
            .field("id", .int64, .identifier(auto: true))
            // Nil: the national calendar everyone inherits.
            .field("institution_id", .int64, .references("institutions", "id"))
            .field("date", .string, .required)
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE UNIQUE INDEX holidays_day ON holidays (COALESCE(institution_id, 0), date)").run()

        try await database.schema("sla_policies")
            .field("id", .int64, .identifier(auto: true))
            // Nil: the whole deployment.
            .field("institution_id", .int64, .references("institutions", "id"))
            // Nil: every classification.
            .field("classification", .string)
            // Each limit is "<amount> <unit>", e.g. "5 working_days"; nil keeps the one above.
            .field("triage", .string)
            .field("answer", .string)
            .field("reply", .string)
            .field("whole_case", .string)
            .field("yellow_share", .double)
            .field("ladder_step", .int)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.sql.raw(
            "CREATE UNIQUE INDEX sla_policies_scope ON sla_policies (COALESCE(institution_id, 0), COALESCE(classification, ''))"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sla_policies").delete()
        try await database.schema("holidays").delete()
        try await database.schema("institutions").deleteField("working_weekdays").update()
    }
}
