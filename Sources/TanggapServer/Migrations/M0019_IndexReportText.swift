import Fluent
import SQLKit

/// Full-text search over a report's title and text with the database's own index: SQLite FTS5 (an external-content
/// table kept in step by triggers), PostgreSQL a generated `tsvector` with a GIN index. Both use plain word
/// splitting without stemming ('simple'; unicode61 folding accents), so the two engines find the same reports.
struct M0019_IndexReportText: AsyncMigration {
    var name: String { "M0019_IndexReportText" }

    func prepare(on database: any Database) async throws {
        let statements: [String]
        if database.isPostgres {
            statements = [
                """
                ALTER TABLE reports ADD COLUMN search tsvector
                    GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, ''))) STORED
                """,
                "CREATE INDEX reports_search ON reports USING GIN (search)",
            ]
        } else {
            statements = [
                """
                CREATE VIRTUAL TABLE reports_fts USING fts5(title, body, content='reports', content_rowid='id',
                    tokenize='unicode61 remove_diacritics 2')
                """,
                """
                CREATE TRIGGER reports_fts_insert AFTER INSERT ON reports BEGIN
                    INSERT INTO reports_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
                END
                """,
                """
                CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports BEGIN
                    INSERT INTO reports_fts (reports_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
                END
                """,
                """
                CREATE TRIGGER reports_fts_update AFTER UPDATE OF title, body ON reports BEGIN
                    INSERT INTO reports_fts (reports_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
                    INSERT INTO reports_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
                END
                """,
                "INSERT INTO reports_fts (reports_fts) VALUES ('rebuild')",
            ]
        }
        for statement in statements { try await database.sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        let statements =
            database.isPostgres
            ? ["DROP INDEX reports_search", "ALTER TABLE reports DROP COLUMN search"]
            : [
                "DROP TRIGGER reports_fts_update", "DROP TRIGGER reports_fts_delete", "DROP TRIGGER reports_fts_insert",
                "DROP TABLE reports_fts",
            ]
        for statement in statements { try await database.sql.raw(SQLQueryString(statement)).run() }
    }
}
