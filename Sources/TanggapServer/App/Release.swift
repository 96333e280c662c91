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
            // A primary and its standbys are listed as `host1:port,host2:port`: each is a URL of its own.
            let servers = PostgresTargets.split(url).map(URLComponents.init(string:))
            let hosts = servers.map { "\($0?.host ?? "?")\($0?.port.map { ":\($0)" } ?? "")" }.joined(separator: ",")
            let database = servers.first.flatMap { $0?.path } ?? ""
            return "PostgreSQL \(hosts)\(database)\(schema.map { " (schema \($0))" } ?? "")"
        }
    }
}
