import Fluent
import Foundation
import NIOConcurrencyHelpers

/// One entry of a `Databases` whose pool of connections can be swapped for a fresh one while the server runs.
///
/// A pool cannot heal itself of a connection that hangs: a query written to a PostgreSQL connection that had
/// already closed is never answered (see `GroupCommit`), and the connection stays counted as in use for ever.
/// Every such connection takes one place of the pool until none is left. After a lost connection, and when the
/// primary moves to another host, `DatabaseWatch` renews the pool: new handles come from a new pool, and the
/// old one is shut down, which closes what it still holds as its work comes back.
final class RenewableDatabase: Sendable {
    private let databases: Databases
    private let name: String
    private let make: @Sendable (String) throws -> DatabaseConfigurationFactory
    private let state: NIOLockedValueBox<(generation: Int, url: String, driver: DriverBox)>

    /// Registers the first pool, for `url`, as the default of `databases`. `make` turns a server's URL into the
    /// configuration of a pool.
    init(
        _ databases: Databases, name: String, url: String, make: @escaping @Sendable (String) throws -> DatabaseConfigurationFactory
    ) throws {
        self.databases = databases
        self.name = name
        self.make = make
        let driver = DriverBox()
        state = NIOLockedValueBox((0, url, driver))
        databases.use(CatchingDriver(inner: try make(url).make(), box: driver), as: DatabaseID(string: name), isDefault: true)
    }

    var url: String { state.withLockedValue { $0.url } }

    /// From now on handles come from a fresh pool for `url`; the old pool is shut down in the background.
    func renew(to url: String) throws {
        let configuration = try make(url).make()
        let fresh = DriverBox()
        let (generation, old) = state.withLockedValue { state in
            state.generation += 1
            defer {
                state.url = url
                state.driver = fresh
            }
            return (state.generation, state.driver)
        }
        databases.use(CatchingDriver(inner: configuration, box: fresh), as: DatabaseID(string: "\(name)-\(generation)"), isDefault: true)
        if let driver = old.driver { Task.detached { await driver.shutdownAsync() } }
    }
}

/// The driver a configuration made, kept so that its pool can be shut down once it is replaced (Fluent does not
/// give a registered driver back).
private final class DriverBox: Sendable {
    private let stored = NIOLockedValueBox<(any DatabaseDriver)?>(nil)
    var driver: (any DatabaseDriver)? {
        get { stored.withLockedValue { $0 } }
        set { stored.withLockedValue { $0 = newValue } }
    }
}

private struct CatchingDriver: DatabaseConfiguration {
    var inner: any DatabaseConfiguration
    let box: DriverBox

    var middleware: [any AnyModelMiddleware] {
        get { inner.middleware }
        set { inner.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        let driver = inner.makeDriver(for: databases)
        box.driver = driver
        return driver
    }
}

/// The PostgreSQL servers a database URL names. Several hosts may be listed, as libpq allows
/// (`postgres://user@primary:5432,standby:5432/tanggap?target_session_attrs=read-write`): Tanggap writes to the
/// one that takes writes, and moves when another one does after a failover.
enum PostgresTargets {
    /// One URL per host, each with the user, database and options of `url`.
    static func split(_ url: String) -> [String] {
        guard let scheme = url.range(of: "://") else { return [url] }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        let (userInfo, hostList): (Substring, Substring) =
            if let at = authority.lastIndex(of: "@") {
                (authority[...at], authority[authority.index(after: at)...])
            } else {
                ("", authority)
            }
        let hosts = hostList.split(separator: ",", omittingEmptySubsequences: true)
        guard hosts.count > 1 else { return [url] }
        return hosts.map { "\(url[..<scheme.upperBound])\(userInfo)\($0)\(tail)" }
    }
}
