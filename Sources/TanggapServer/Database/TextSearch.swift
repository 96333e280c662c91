import Fluent
import SQLKit
import TanggapCore

/// The search condition over reports' titles and text, read from each engine's full-text index (M0019): every word
/// must begin a word of the report. No word at all (only punctuation was typed) finds nothing.
enum TextSearch {
    /// `alias` is the name the reports table goes by in the query.
    static func condition(matching words: [String], column alias: String, on db: any Database) -> any SQLExpression {
        guard !words.isEmpty else { return SQLRaw("1 = 0") }
        if db.isPostgres {
            // Words hold only letters and digits (SearchTerms), so they are safe inside the query text.
            let query = words.map { "\($0):*" }.joined(separator: " & ")
            return SQLQueryString("\(ident: alias).search @@ to_tsquery('simple', \(bind: query))")
        }
        let query = words.map { "\"\($0)\"*" }.joined(separator: " AND ")
        return SQLQueryString("\(ident: alias).id IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH \(bind: query))")
    }
}
