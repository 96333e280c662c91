import Fluent
import SQLKit

/// The weekly review counts each person's answers of one week: without this index that reads every event there is.
/// Partial, so it holds only answers (about one event in five) and costs the other events nothing.
struct M0020_IndexWeeklyAnswers: AsyncMigration {
    var name: String { "M0020_IndexWeeklyAnswers" }

    func prepare(on database: any Database) async throws {
        try await database.sql.raw("CREATE INDEX report_events_answers ON report_events (at) WHERE kind = 'answer'").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX report_events_answers").run()
    }
}
