import Fluent
import SQLKit

/// One row that `/readyz` writes through the commit lane, so readiness proves what intake needs: a connection
/// from the lane's pool, a write accepted (not a standby, not a full disk) and a commit.
struct M0027_AddReadinessProbe: AsyncMigration {
    var name: String { "M0027_AddReadinessProbe" }

    func prepare(on database: any Database) async throws {
        try await database.sql.raw("CREATE TABLE readiness_probe (id INTEGER PRIMARY KEY, checks BIGINT NOT NULL)").run()
        try await database.sql.raw("INSERT INTO readiness_probe (id, checks) VALUES (1, 0)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP TABLE readiness_probe").run()
    }
}
