import Fluent
import SQLKit
import TanggapCore

/// "Held within this subtree" as a condition the database answers from an index on the path. SQLite's LIKE
/// ignores case and therefore cannot use an index; its GLOB can. PostgreSQL's LIKE can, with the
/// `text_pattern_ops` indexes of M0016. Paths hold only digits and slashes, so the prefix is written as a literal,
/// which both planners need to see to use the index.
enum Subtree {
    static func condition(_ column: String, within path: InstitutionPath, on db: any Database) -> SQLQueryString {
        // The root holds everything: a condition would only lead the planner into reading the whole index.
        if path.depth == 0 { return "1 = 1" }
        let prefix = path.encoded
        precondition(prefix.allSatisfy { $0 == "/" || $0.isASCII && $0.isNumber }, "an institution path holds digits and slashes only")
        return db.isPostgres ? "\(unsafeRaw: column) LIKE '\(unsafeRaw: prefix)%'" : "\(unsafeRaw: column) GLOB '\(unsafeRaw: prefix)*'"
    }

    /// `column` as a query should name it when reports held within `paths` are wanted. Below the national level,
    /// on SQLite, a subtree's reports are best found through `reports_held_work` (M0021), which leads with the
    /// holder's path and carries the columns the inbox and the weekly review test. The planner cannot tell how
    /// small a subtree is, and prefers an index on the deadline or the date of receipt: it then walks the whole
    /// country's reports in that order and reads one row after another to find the subtree's (70 ms to a second
    /// at ten million, against a few). A unary plus keeps the column off its own index. At the national level
    /// (no subtree condition) that index is the right one, and PostgreSQL has statistics to choose by.
    static func keptOffItsIndex(_ column: String, heldWithin paths: [InstitutionPath], on db: any Database) -> String {
        let belowTheTop = !paths.isEmpty && paths.allSatisfy { $0.depth > 0 }
        return belowTheTop && !db.isPostgres ? "+" + column : column
    }
}
