import Fluent
import SQLKit

/// A second full-text index on SQLite holding only open reports, for searches that can only find open work (every
/// inbox tab). At ten million reports a common word begins a word of half a million reports, and FTS5 gathers all
/// of a prefix's matches before it can check one (40 ms, then 120 ms to look reports up among them, per tab); open
/// work is a few percent of the reports, so the same word has a few tens of thousands of open matches (20 ms in
/// all). Contentless, with deletes by rowid: the text stays in `reports`. Triggers add a report while it is open and
/// take it out when it closes; PostgreSQL's planner combines its GIN index with the list's own indexes instead.
struct M0022_IndexOpenReportText: AsyncMigration {
    var name: String { "M0022_IndexOpenReportText" }

    /// `ReportState.open` as it was when this index was built (a test holds them equal): a change to the set of
    /// open states needs a migration that rebuilds the index.
    static let openStates = ["answered", "dispatched", "on_hold", "received", "verified"]

    func prepare(on database: any Database) async throws {
        guard !database.isPostgres else { return }
        let open = "(" + Self.openStates.map { "'\($0)'" }.joined(separator: ", ") + ")"
        let statements = [
            """
            CREATE VIRTUAL TABLE open_reports_fts USING fts5(title, body, content='', contentless_delete=1,
                tokenize='unicode61 remove_diacritics 2')
            """,
            """
            CREATE TRIGGER open_reports_fts_insert AFTER INSERT ON reports WHEN new.state IN \(open) BEGIN
                INSERT INTO open_reports_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
            END
            """,
            // One trigger, so the old entry always goes before the new one goes in (both carry the report's id).
            """
            CREATE TRIGGER open_reports_fts_update AFTER UPDATE OF state, title, body ON reports
            WHEN (old.state IN \(open)) <> (new.state IN \(open)) OR old.title IS NOT new.title OR old.body IS NOT new.body
            BEGIN
                DELETE FROM open_reports_fts WHERE rowid = old.id AND old.state IN \(open);
                INSERT INTO open_reports_fts (rowid, title, body) SELECT new.id, new.title, new.body WHERE new.state IN \(open);
            END
            """,
            """
            CREATE TRIGGER open_reports_fts_delete AFTER DELETE ON reports WHEN old.state IN \(open) BEGIN
                DELETE FROM open_reports_fts WHERE rowid = old.id;
            END
            """,
            "INSERT INTO open_reports_fts (rowid, title, body) SELECT id, title, body FROM reports WHERE state IN \(open)",
        ]
        for statement in statements { try await database.sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard !database.isPostgres else { return }
        for statement in ["open_reports_fts_delete", "open_reports_fts_update", "open_reports_fts_insert"].map({ "DROP TRIGGER \($0)" })
            + ["DROP TABLE open_reports_fts"]
        {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }
}
