import Fluent
import SQLKit

/// On SQLite, the words of every report's title and text (`search_terms`), so that a search for a word's
/// beginning can ask the full-text index for the words that begin so (`SearchVocabulary`). New text reaches the
/// vocabulary through a small staging index written by trigger (`search_terms_new`, read through
/// `search_terms_new_vocab`), which a search reads too and a group commit empties into `search_terms`; so no
/// word is ever missing, whoever wrote the text. The words already indexed are taken from the full-text index.
struct M0023_KeepSearchVocabulary: AsyncMigration {
    var name: String { "M0023_KeepSearchVocabulary" }

    func prepare(on database: any Database) async throws {
        guard !database.isPostgres else { return }
        let statements = [
            "CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID",
            // Positions and columns are not needed: only the words are ever read from it.
            """
            CREATE VIRTUAL TABLE search_terms_new USING fts5(title, body, content='', detail=none,
                tokenize='unicode61 remove_diacritics 2')
            """,
            "CREATE VIRTUAL TABLE search_terms_new_vocab USING fts5vocab(search_terms_new, row)",
            """
            CREATE TRIGGER search_terms_new_insert AFTER INSERT ON reports BEGIN
                INSERT INTO search_terms_new (rowid, title, body) VALUES (new.id, new.title, new.body);
            END
            """,
            // Words that leave a corrected text stay in the vocabulary: searching for them finds nothing, as before.
            """
            CREATE TRIGGER search_terms_new_update AFTER UPDATE OF title, body ON reports
            WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN
                INSERT INTO search_terms_new (rowid, title, body) VALUES (new.id, new.title, new.body);
            END
            """,
            "CREATE VIRTUAL TABLE search_terms_indexed USING fts5vocab(reports_fts, row)",
            "INSERT OR IGNORE INTO search_terms (term) SELECT term FROM search_terms_indexed",
            "DROP TABLE search_terms_indexed",
        ]
        for statement in statements { try await database.sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        guard !database.isPostgres else { return }
        for statement in [
            "DROP TRIGGER search_terms_new_update", "DROP TRIGGER search_terms_new_insert", "DROP TABLE search_terms_new_vocab",
            "DROP TABLE search_terms_new", "DROP TABLE search_terms",
        ] {
            try await database.sql.raw(SQLQueryString(statement)).run()
        }
    }
}
