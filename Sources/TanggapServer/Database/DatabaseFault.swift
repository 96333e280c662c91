import AsyncKit
import Foundation
import PostgresNIO
import SQLiteNIO

/// A database that could not be used just now: not reachable, not answering within its deadline, or read-only
/// after a failover. Nothing was saved; the client should try again shortly.
struct DatabaseUnavailable: Error, CustomStringConvertible {
    let what: String

    var description: String { "database unavailable: \(what)" }
}

/// What went wrong with the storage, as far as a client is concerned. One place decides it, so that every
/// surface answers a fault the same way: 503 with Retry-After when waiting helps, 507 when the disk is full.
enum DatabaseFault: Equatable {
    /// The database is down, restarting, failing over or too slow: retry later.
    case unavailable
    /// The disk is full (SQLite's file, PostgreSQL's data directory, or an attachment being written).
    case storageFull

    /// How long a client is told to wait before it tries again.
    static let retryAfterSeconds = 5

    /// The fault `error` stands for; nil for every other error (a refused value, a bug).
    static func of(_ error: any Error) -> DatabaseFault? {
        if error is DatabaseUnavailable || error is ConnectionPoolTimeoutError || error is ConnectionPoolError { return .unavailable }
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState] {
                if state == "53100" { return .storageFull }
                return isUnavailable(sqlState: state) ? .unavailable : nil
            }
            return [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed].contains(error.code)
                ? .unavailable : nil
        }
        if let error = error as? SQLiteError {
            if error.reason == .full { return .storageFull }
            return [.ioError, .ioErrorFailedWrite, .ioErrorFailedSync, .ioErrorFailedDirSync].contains(error.reason) ? .unavailable : nil
        }
        if isOutOfSpace(error as NSError) { return .storageFull }
        return nil
    }

    /// True when `error` says the connection to PostgreSQL was lost or points at a server that no longer takes
    /// writes: the cue to check the database and renew the connections (see `DatabaseWatch`).
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if error is DatabaseUnavailable || error is ConnectionPoolTimeoutError { return true }
        guard let error = error as? PSQLError else { return false }
        if let state = error.serverInfo?[.sqlState] { return isUnavailable(sqlState: state) }
        return [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown].contains(error.code)
    }

    /// Class 08 (connection exception), 57P01–57P03 (shut down by the administrator, crash, cannot connect
    /// now) and 25006 (a read-only transaction: a standby, or a primary that was demoted).
    private static func isUnavailable(sqlState state: String) -> Bool {
        state.hasPrefix("08") || ["57P01", "57P02", "57P03", "25006"].contains(state)
    }

    private static func isOutOfSpace(_ error: NSError) -> Bool {
        if error.domain == NSPOSIXErrorDomain, error.code == Int(ENOSPC) { return true }
        if error.domain == NSCocoaErrorDomain, error.code == CocoaError.fileWriteOutOfSpace.rawValue { return true }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError { return isOutOfSpace(underlying) }
        return false
    }
}
