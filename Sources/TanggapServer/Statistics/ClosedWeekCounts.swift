import Foundation
import Synchronization

/// How many reports a subtree received in a week that is over, counted once. A report's date of receipt is set
/// when it arrives and never changes, and reports are never deleted, so a past week's count is final; the weekly
/// review reads four of them on every visit, and at the national level each is a count over a hundred thousand
/// index entries. A week counts as over an hour after its end, so that no report received in its last moments
/// can still be on its way to the database (PostgreSQL may commit it a little after the week has ended).
final class ClosedWeekCounts: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    private let mostEntries: Int
    static let settling: TimeInterval = 3_600

    init(mostEntries: Int = 10_000) {
        self.mostEntries = mostEntries
    }

    /// The kept count of `subtree`'s week from `start` to `end`, or `count`'s when the week is not over or not kept.
    func count(subtree: String, from start: Date, to end: Date, now: Date, count: () async throws -> Int) async throws -> Int {
        let key = "\(subtree)|\(start.timeIntervalSince1970)|\(end.timeIntervalSince1970)"
        if let kept = counts.withLock({ $0[key] }) { return kept }
        let value = try await count()
        guard end.addingTimeInterval(Self.settling) <= now else { return value }
        counts.withLock { counts in
            if counts.count >= mostEntries { counts.removeAll() }
            counts[key] = value
        }
        return value
    }
}
