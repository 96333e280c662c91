import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresKit
import PostgresNIO
import Vapor

/// Notices when PostgreSQL is lost and brings the server back to it by itself, without a restart.
///
/// Anything that meets a lost connection (a failed commit, a request, the readiness probe, a job) tells the
/// watch. From then on it asks each configured server, on a connection of its own and not through a pool, whether
/// it takes writes. The first that does becomes the primary, and every pool is renewed to it: this clears
/// the connections that hung when the old ones were cut (`RenewableDatabase`) and follows a failover to a
/// promoted standby. On SQLite there is nothing to lose and the watch does nothing.
final class DatabaseWatch: LifecycleHandler, Sendable {
    /// The configured servers, one URL each, in the order they were given.
    let targets: [String]
    private let pools: NIOLockedValueBox<[RenewableDatabase]>
    private let loop: any EventLoop
    private let logger: Logger
    private let probeDeadline: Duration
    private let watching = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let stopped = NIOLockedValueBox(false)

    init(_ location: DatabaseLocation, on loop: any EventLoop, probeDeadline: Duration, logger: Logger) {
        if case .postgres(let url, _) = location { targets = PostgresTargets.split(url) } else { targets = [] }
        pools = NIOLockedValueBox([])
        self.loop = loop
        self.probeDeadline = probeDeadline
        self.logger = logger
    }

    /// Pools that follow the primary.
    func watch(_ pool: RenewableDatabase) {
        pools.withLockedValue { $0.append(pool) }
    }

    /// True while the watch is looking for a server that takes writes.
    var isLost: Bool { watching.withLockedValue { $0 != nil } }

    /// Called with any error met on the database: a lost connection starts the search for a primary.
    func noteFailure(_ error: any Error) {
        guard !targets.isEmpty, DatabaseFault.isConnectionLoss(error), !stopped.withLockedValue({ $0 }) else { return }
        watching.withLockedValue { task in
            guard task == nil else { return }
            logger.warning("lost the database connection; looking for a primary", metadata: ["error": .string(String(describing: error))])
            task = Task.detached { [self] in await recover() }
        }
    }

    /// The first configured server that takes writes now, or nil when none does.
    func primary() async -> String? {
        for target in targets where await takesWrites(target) { return target }
        return nil
    }

    private func recover() async {
        let started = ContinuousClock.now
        while !Task.isCancelled {
            if let primary = await primary() {
                for pool in pools.withLockedValue({ $0 }) {
                    do { try pool.renew(to: primary) } catch {
                        logger.error("could not renew a pool", metadata: ["error": .string("\(error)")])
                    }
                }
                logger.warning(
                    "database back; connections renewed",
                    metadata: [
                        "server": .string(Self.address(primary)), "after": .string("\(ContinuousClock.now - started)"),
                    ])
                break
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
        watching.withLockedValue { $0 = nil }
    }

    /// Asks `target` on a connection of its own whether it is a primary (not in recovery, not read-only).
    private func takesWrites(_ target: String) async -> Bool {
        do {
            let configuration = try SQLPostgresConfiguration(url: target).coreConfiguration
            return try await withDeadline(probeDeadline, "asking \(Self.address(target)) for its role") { [loop, logger] in
                let connection = try await PostgresConnection.connect(on: loop, configuration: configuration, id: 0, logger: logger)
                defer { Task { try? await connection.close() } }
                let rows = try await connection.query(
                    "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'", logger: logger)
                for try await readOnly in rows.decode(Bool.self) { return !readOnly }
                return false
            }
        } catch {
            return false
        }
    }

    /// Host and port only: a URL may carry a password, which never goes into a log.
    static func address(_ url: String) -> String {
        guard let parts = URLComponents(string: url.replacingOccurrences(of: "postgresql://", with: "postgres://")) else { return "?" }
        return "\(parts.host ?? "?"):\(parts.port ?? 5432)"
    }

    func shutdownAsync(_ application: Application) async {
        stopped.withLockedValue { $0 = true }
        let task = watching.withLockedValue { $0 }
        task?.cancel()
        await task?.value
    }
}
