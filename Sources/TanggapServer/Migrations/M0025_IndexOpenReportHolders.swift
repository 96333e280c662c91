import Fluent
import SQLKit

/// The open reports' full-text index carries, beside each report's words, the institutions that hold it: the
/// holder and every level above, as words of a third column (U+E000 and the id: `TextSearch.holderMark`). A
/// regency's inbox searched for a common word then asks the index for the word *and* the regency, and FTS5 walks
/// the two lists together — 707 of the regency's 1,600 open reports say "jalan", among 391,000 open reports that
/// do at ten million (5 ms, where collecting either side first cost 60–90). The triggers of M0022 come back with
/// the holder among what they follow: a report that moves to another institution is indexed anew.
struct M0025_IndexOpenReportHolders: AsyncMigration {
    var name: String { "M0025_IndexOpenReportHolders" }

    func prepare(on database: any Database) async throws {
        guard !database.isPostgres else { return }
        let open = "(" + M0022_IndexOpenReportText.openStates.map { "'\($0)'" }.joined(separator: ", ") + ")"
        // '/1/829/5012/' → the words U+E000 1, U+E000 829, U+E000 5012 (57344 is U+E000).
        func holders(_ row: String) -> String { "char(57344) || replace(trim(\(row).holder_path, '/'), '/', ' ' || char(57344))" }
        try await M0022_IndexOpenReportText().revert(on: database)  // the index and its triggers, built anew below
        let statements = [
            """
            CREATE VIRTUAL TABLE open_reports_fts USING fts5(title, body, holders, content='', contentless_delete=1,
                tokenize='unicode61 remove_diacritics 2')
            """,
            """
            CREATE TRIGGER open_reports_fts_insert AFTER INSERT ON reports WHEN new.state IN \(open) BEGIN
                INSERT INTO open_reports_fts (rowid, title, body, holders) VALUES (new.id, new.title, new.body, \(holders("new")));
            END
            """,
            // One trigger, so the old entry always goes before the new one goes in (both carry the report's id).
            """
            CREATE TRIGGER open_reports_fts_update AFTER UPDATE OF state, title, body, holder_path ON reports
            WHEN (old.state IN \(open)) <> (new.state IN \(open)) OR old.title IS NOT new.title OR old.body IS NOT new.body
                OR old.holder_path IS NOT new.holder_path
            BEGIN
                DELETE FROM open_reports_fts WHERE rowid = old.id AND old.state IN \(open);
                INSERT INTO open_reports_fts (rowid, title, body, holders)
                    SELECT new.id, new.title, new.body, \(holders("new")) WHERE new.state IN \(open);
            END
            """,
            """
            CREATE TRIGGER open_reports_fts_delete AFTER DELETE ON reports WHEN old.state IN \(open) BEGIN
                DELETE FROM open_reports_fts WHERE rowid = old.id;
            END
            """,
            """
            INSERT INTO open_reports_fts (rowid, title, body, holders)
            SELECT id, title, body, \(holders("reports")) FROM reports WHERE state IN \(open)
            """,
        ]
        for statement in statements { try await database.sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard !database.isPostgres else { return }
        try await M0022_IndexOpenReportText().revert(on: database)
        try await M0022_IndexOpenReportText().prepare(on: database)
    }
}
