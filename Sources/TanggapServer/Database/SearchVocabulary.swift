import Fluent
import SQLKit

/// The words SQLite's full-text indexes hold (M0023), so that a search for a word's beginning names the words
/// that begin so: `jalan` is searched as `"jalan" OR "jalanan"`, not as the prefix `"jalan"*`.
///
/// FTS5 answers a prefix by first gathering every match of every word with that beginning, positions and all,
/// before it hands out one: 21 ms for `jalan` at ten million reports, in every statement that searches, however
/// few rows the statement wants. Whole words it reads lazily, match by match (0.03 ms for a page).
enum SearchVocabulary {
    /// Past this many words with the same beginning (a search for `pe`), the prefix is searched as a prefix.
    static let mostVariants = 32

    /// The query for one word of a search, evaluated by SQLite inside the statement: the vocabulary's words that
    /// begin with it (and the staging index's, for text not yet taken in), or the prefix itself when there are none
    /// or too many. Words with letters outside ASCII are searched as a prefix: the vocabulary holds words as FTS5
    /// folded them, and only for ASCII is the fold certain to be plain lowercase.
    static func query(for word: String) -> any SQLExpression {
        let prefix = "\"\(word)\"*"
        guard word.allSatisfy(\.isASCII) else { return SQLBind(prefix) }
        let upTo = word + "\u{10FFFF}"
        return SQLQueryString(
            """
            (SELECT CASE WHEN COUNT(*) BETWEEN 1 AND \(literal: mostVariants)
                THEN '(' || group_concat('"' || term || '"', ' OR ') || ')' ELSE \(bind: prefix) END
            FROM (SELECT term FROM search_terms WHERE term >= \(bind: word) AND term < \(bind: upTo)
                  UNION SELECT term FROM search_terms_new_vocab WHERE term >= \(bind: word) AND term < \(bind: upTo)
                  LIMIT \(literal: mostVariants + 1)))
            """)
    }

    /// Moves the staging index's words into the vocabulary and empties it, in the caller's transaction (a group
    /// commit's: a few dozen reports' words). A reader sees the words in one place or the other, never in neither.
    static func takeIn(on db: any Database) async throws {
        guard !db.isPostgres else { return }
        try await db.sql.raw("INSERT OR IGNORE INTO search_terms (term) SELECT term FROM search_terms_new_vocab").run()
        try await db.sql.raw("INSERT INTO search_terms_new (search_terms_new) VALUES ('delete-all')").run()
    }
}
