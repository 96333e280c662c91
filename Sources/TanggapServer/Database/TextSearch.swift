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

    /// `alias` is the name the reports table goes by in the query; `filter` the list's conditions, which tell the
    /// index to read and what else it can answer (`match`).
    static func condition(
        matching words: [String], serving filter: ReportFilter, column alias: String, on db: any Database
    ) -> any SQLExpression {
        guard !words.isEmpty else { return SQLRaw("1 = 0") }
        if db.isPostgres {
            // Words hold only letters and digits (SearchTerms), so they are safe inside the query text.
            let query = words.map { "\($0):*" }.joined(separator: " & ")
            return SQLQueryString("\(ident: alias).search @@ to_tsquery('simple', \(bind: query))")
        }
        // The unary plus keeps the id off the primary key: otherwise SQLite drives the query from the matches, looking
        // up each of a common word's hundreds of thousands of reports (3 s at ten million), where the list's other
        // conditions, through their own indexes, find a few reports to look for in the matches (0.16 s).
        let index = Index.serving(filter)
        return SQLQueryString("+\(ident: alias).id IN (SELECT rowid FROM \(ident: index.rawValue) WHERE \(match(words, serving: filter)))")
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
    static func firstMatches(
        _ words: [String], serving filter: ReportFilter, count: Int, newestFirst: Bool, as alias: String
    ) -> SQLQueryString {
        """
        (SELECT rowid FROM \(ident: Index.serving(filter).rawValue) WHERE \(match(words, serving: filter))
        ORDER BY rowid \(unsafeRaw: newestFirst ? "DESC" : "ASC") LIMIT \(literal: count)) \(ident: alias)
        """
    }

    /// `index MATCH …`: every word begins a word of the title or text (each word's variants: `SearchVocabulary`).
    /// The open reports' index also answers where the list's reports are held (`holders`).
    static func match(_ words: [String], serving filter: ReportFilter) -> SQLQueryString {
        let index = Index.serving(filter)
        let query = SQLList(words.map(SearchVocabulary.query(for:)), separator: SQLRaw(" || ' AND ' || "))
        let held = holders(filter).map { " AND (" + $0.map { "\"\(holderMark)\($0)\"" }.joined(separator: " OR ") + ")" }.joined()
        return held.isEmpty ? "\(ident: index.rawValue) MATCH (\(query))" : "\(ident: index.rawValue) MATCH (\(query) || \(literal: held))"
    }

    /// The open reports' index holds, beside each report's words, a word for every institution that holds the
    /// report or stands above its holder (M0025): this mark and the institution's id. The mark is a character of
    /// Unicode's private use area, which FTS5 keeps inside a word and a search never holds (`SearchTerms` keeps
    /// letters and digits), so no one finds a report by its holder's id, and no column filter slows every search.
    static let holderMark = "\u{E000}"

    /// Where the list's reports are held, as conditions on the holder words the index serving it is asked for:
    /// each inner list is one condition, any of its institutions. Only the open reports' index has holder words,
    /// and the root holds everything, so it adds nothing to ask for.
    static func holders(_ filter: ReportFilter) -> [[Int64]] {
        guard Index.serving(filter) == .open else { return [] }
        var conditions: [[Int64]] = []
        if !filter.heldWithin.isEmpty, filter.heldWithin.allSatisfy({ $0.depth > 0 }) {
            conditions.append(filter.heldWithin.map(\.institutionID))
        }
        if let institution = filter.institution, institution.depth > 0 { conditions.append([institution.institutionID]) }
        return conditions
    }
}
