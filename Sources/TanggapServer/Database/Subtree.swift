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
}
