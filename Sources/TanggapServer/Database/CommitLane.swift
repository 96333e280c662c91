import Fluent
import Logging
import NIOCore
import NIOPosix
import Vapor

/// Where the group commit runs: a thread of its own and database connections bound to it.
///
/// A group's transaction is a handful of statements one after another. Run on the request threads, each step
/// back from the database waited in line behind the requests those threads were busy with, and every writer of
/// the group waited with it. On a thread that does nothing else, the next statement goes out as soon as the last
/// one is back.
final class CommitLane: LifecycleHandler, Sendable {
    let loop: any EventLoop
    private let group: MultiThreadedEventLoopGroup
    private let databases: Databases
    /// The lane's pool on PostgreSQL, renewed after a lost connection (`DatabaseWatch`).
    let renewable: RenewableDatabase?

    init(_ location: DatabaseLocation, deadline: Duration, threadPool: NIOThreadPool) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        databases = Databases(threadPool: threadPool, on: group)
        // One group commits at a time. PostgreSQL gets a second connection for a retry while the first is being
        // given back; SQLite's driver keeps one per event loop whatever is asked.
        switch location {
        case .postgres(let url, let schema):
            renewable = try RenewableDatabase(databases, name: "commit-lane", url: PostgresTargets.split(url)[0]) { url in
                try DatabaseSetup.connections(to: .postgres(url: url, schema: schema), perEventLoop: 2, poolDeadline: deadline)
            }
        case .sqlite:
            renewable = nil
            databases.use(try DatabaseSetup.connections(to: location, perEventLoop: 2, poolDeadline: deadline), as: .commitLane)
        }
    }

    func database(logger: Logger) -> any Database {
        databases.database(logger: logger, on: loop)!
    }

    func shutdownAsync(_ application: Application) async {
        await databases.shutdownAsync()
        try? await group.shutdownGracefully()
    }
}

extension DatabaseID {
    fileprivate static let commitLane = DatabaseID(string: "commit-lane")
}
