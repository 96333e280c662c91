import Fluent
import SQLKit
import TanggapCore

/// The search condition over reports' titles and text, read from each engine's full-text index (M0019): every word
/// must begin a word of the report. No word at all (only punctuation was typed) finds nothing.
enum TextSearch {
    /// SQLite's full-text tables; a rowid is the report's id. `open` holds only open reports (M0022) and serves a
    /// search that can find nothing else: its matches of a common word are a few percent of `all`'s.
    enum Index: String {
        case all = "reports_fts"
        case open = "open_reports_fts"

        static func serving(_ filter: ReportFilter) -> Index { filter.admitsOnlyOpenReports ? .open : .all }
    }

    /// `alias` is the name the reports table goes by in the query.
    static func condition(matching words: [String], in index: Index, column alias: String, on db: any Database) -> any SQLExpression {
        guard !words.isEmpty else { return SQLRaw("1 = 0") }
        if db.isPostgres {
            // Words hold only letters and digits (SearchTerms), so they are safe inside the query text.
            let query = words.map { "\($0):*" }.joined(separator: " & ")
            return SQLQueryString("\(ident: alias).search @@ to_tsquery('simple', \(bind: query))")
        }
        // The unary plus keeps the id off the primary key: otherwise SQLite drives the query from the matches, looking
        // up each of a common word's hundreds of thousands of reports (3 s at ten million), where the list's other
        // conditions, through their own indexes, find a few reports to look for in the matches (0.16 s).
        return SQLQueryString("+\(ident: alias).id IN (SELECT rowid FROM \(ident: index.rawValue) WHERE \(match(words, in: index)))")
    }

    /// The words of a search on SQLite, where the query is shaped around the full-text index (`ReportQueries.SearchPlan`):
    /// as a plain condition, every match of a common word — hundreds of thousands at ten million reports — is
    /// collected before the first row comes out. Nil on PostgreSQL, whose planner weighs its GIN index itself.
    static func leadingWords(_ text: String?, on db: any Database) -> [String]? {
        guard let text, !db.isPostgres else { return nil }
        let words = SearchTerms.words(in: text)
        return words.isEmpty ? nil : words
    }

    /// The first `count` matches' ids, oldest first or newest first, as a table named `alias`.
    static func firstMatches(_ words: [String], in index: Index, count: Int, newestFirst: Bool, as alias: String) -> SQLQueryString {
        """
        (SELECT rowid FROM \(ident: index.rawValue) WHERE \(match(words, in: index))
        ORDER BY rowid \(unsafeRaw: newestFirst ? "DESC" : "ASC") LIMIT \(literal: count)) \(ident: alias)
        """
    }

    /// `index MATCH …`: every word begins a word of the title or text (each word's variants: `SearchVocabulary`).
    static func match(_ words: [String], in index: Index) -> SQLQueryString {
        let query = SQLList(words.map(SearchVocabulary.query(for:)), separator: SQLRaw(" || ' AND ' || "))
        return "\(ident: index.rawValue) MATCH (\(query))"
    }
}
