import Foundation

/// This build's release: in the first line a server says, in `tanggap --version` and in `/.well-known/tanggap`.
public enum TanggapRelease {
    public static let version = "0.2.0"
}

extension DatabaseLocation {
    /// Where the data lives, for a person reading the log: the file, or the server and database without the
    /// credentials in its URL.
    public var summary: String {
        switch self {
        case .sqlite(let path):
            return "SQLite \(path)"
        case .postgres(let url, let schema):
            let parts = URLComponents(string: url)
            let place = "\(parts?.host ?? "?")\(parts?.port.map { ":\($0)" } ?? "")\(parts?.path ?? "")"
            return "PostgreSQL \(place)\(schema.map { " (schema \($0))" } ?? "")"
        }
    }
}
