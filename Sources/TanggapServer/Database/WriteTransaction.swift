import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation

extension Database {
    /// Runs `body` in one transaction, again when the database reports a passing conflict (SQLite busy,
    /// PostgreSQL serialization failure or deadlock). Everything in `body` commits together or not at all.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await transaction(body)
            } catch  where attempt < 5 && isTransient(error) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(10 << attempt))))
            }
        }
    }

    func isTransient(_ error: any Error) -> Bool {
        if let error = error as? SQLiteError {
            return [.busy, .locked, .busyInSnapshot, .busyInRecovery, .busyTimeout].contains(error.reason)
        }
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] {
            return state == "40001" || state == "40P01"
        }
        return false
    }
}
