import Fluent
import NIOConcurrencyHelpers
import Vapor

extension Request {
    /// Runs independent reads of one page at the same time, each on a database connection of its own, and gives
    /// their results back in the order of `items`.
    ///
    /// SQLite's driver keeps one connection per event loop, so reads through `db` wait for each other however they
    /// are awaited: an inbox's seven tab counts ran one after another on one core while the other was idle. Here
    /// the reads are shared among every event loop's connections, the request's own first (PostgreSQL has
    /// several per loop and would run them side by side anyway). Only for reads: each runs outside any transaction.
    func sideBySide<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ read: @escaping @Sendable (Item, any Database) async throws -> Result
    ) async throws -> [Result] {
        try await SideBySide.read(items, on: readDatabases(upTo: items.count), read)
    }

    /// The request's own database, then the same database on the application's other event loops.
    func readDatabases(upTo count: Int) -> [any Database] {
        var databases = [db]
        for loop in application.eventLoopGroup.makeIterator() where databases.count < count && loop !== eventLoop {
            databases.append(application.databases.database(logger: logger, on: loop)!)
        }
        return databases
    }
}

/// Independent reads dealt out among connections to the same database.
enum SideBySide {
    /// Runs `read` for each of `items`, each connection of `databases` taking the next item as soon as it is free,
    /// and gives the results back in the order of `items`. Each connection's reads, and whatever its caller does with
    /// the rows, run on that connection's event loop, so the work after the database is shared among cores as well.
    static func read<Item: Sendable, Result: Sendable>(
        _ items: [Item], on databases: [any Database], _ read: @escaping @Sendable (Item, any Database) async throws -> Result
    ) async throws -> [Result] {
        // Each connection takes the next read as soon as it is free: the reads differ a lot in cost (a tab count
        // takes 0.1 ms or 15), and dealing them out in turn left one connection idle while the other had three.
        let next = NIOLockedValueBox(0)
        return try await withThrowingTaskGroup(of: [(Int, Result)].self) { group in
            for db in databases {
                group.addTask(executorPreference: EventLoopTaskExecutor(db.eventLoop)) {
                    var done: [(Int, Result)] = []
                    while true {
                        let index = next.withLockedValue { index in
                            defer { index += 1 }
                            return index
                        }
                        guard index < items.count else { return done }
                        done.append((index, try await read(items[index], db)))
                    }
                }
            }
            var results = [Result?](repeating: nil, count: items.count)
            for try await done in group { for (index, result) in done { results[index] = result } }
            return results.map { $0! }
        }
    }
}
