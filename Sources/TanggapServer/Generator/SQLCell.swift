import Foundation

/// A value written into a many-row INSERT as a literal. Binding millions of values one by one through `Encodable`
/// costs more than the database's own work; the generator writes only values it made itself, rendered here in each
/// engine's storage form (SQLite: dates as seconds, booleans as 0/1; PostgreSQL: timestamptz and booleans).
enum SQLCell: Sendable {
    case int(Int64)
    case text(String)
    case date(Date)
    case bool(Bool)
    case null

    static func int(_ value: Int) -> SQLCell { .int(Int64(value)) }
    static func text(_ value: String?) -> SQLCell { value.map { .text($0) } ?? .null }
    static func date(_ value: Date?) -> SQLCell { value.map { .date($0) } ?? .null }
    static func int(_ value: Int?) -> SQLCell { value.map { .int(Int64($0)) } ?? .null }
    static func int(_ value: Int64?) -> SQLCell { value.map { .int($0) } ?? .null }
    static func bool(_ value: Bool?) -> SQLCell { value.map { .bool($0) } ?? .null }
    /// A word of the vocabulary (a state, a channel) as its column keeps it.
    static func word(_ value: (some RawRepresentable<String>)?) -> SQLCell { value.map { .text($0.rawValue) } ?? .null }

    func literal(postgres: Bool) -> String {
        switch self {
        case .int(let value): String(value)
        case .text(let value):
            "'" + (value.contains("'") ? value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") : value)
                + "'"
        case .date(let value): postgres ? "to_timestamp(\(value.timeIntervalSince1970))" : String(value.timeIntervalSince1970)
        case .bool(let value): postgres ? (value ? "TRUE" : "FALSE") : (value ? "1" : "0")
        case .null: "NULL"
        }
    }

    /// `INSERT INTO table (columns) VALUES (…), (…)` for these rows.
    static func insert(into table: String, columns: [String], rows: some Sequence<[SQLCell]>, postgres: Bool) -> String {
        var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        var first = true
        for row in rows {
            sql += first ? "(" : ", ("
            first = false
            sql += row.map { $0.literal(postgres: postgres) }.joined(separator: ", ")
            sql += ")"
        }
        return sql
    }
}
