import Foundation
import Synchronization
import TanggapCore

/// The search plans chosen lately, so that the same search asked again within a minute (the next page, the inbox
/// shown again after an action, the seven tabs of a colleague's identical inbox) runs without choosing again.
///
/// Choosing is not free where it matters most: for a word in a third of the open reports at ten million, the
/// counts and samples that choose a tab's plan cost 15–30 ms of the 40–60 the tab takes. Every plan gives the same
/// reports (`everySearchPlanListsTheSameReportsPageByPage`), so a plan kept while the reports change can only be
/// slower than a fresh choice, never wrong; it is kept no longer than `longestKeep`, the way a database keeps its
/// statistics between two runs of `ANALYZE`. Two answers that choosing asks for are kept the same way: how many
/// reports a word matches (the same for every tab of an inbox, and counted once for all of them even when they ask
/// at the same moment), and whether a search found more reports than a list can gather by id (the inbox resolves a
/// rare word once for all its tabs; when that has changed, each tab searches for itself, as for a common word).
final class SearchPlanMemory: Sendable {
    /// What a plan depends on besides the database's contents: the list's conditions and scope, how many reports
    /// it needs, and in which order it reads them.
    struct Question: Hashable, Sendable {
        let filter: ReportFilter
        let scope: ListScope
        let need: Int?
        let newestFirst: Bool?
    }

    /// A count of a full-text index's matches: the words, the holders it asks the open reports' index for, and
    /// how far it counts.
    struct Matches: Hashable, Sendable {
        let index: TextSearch.Index
        let words: [String]
        let holders: [[Int64]]
        let upTo: Int
    }

    private let plans: Shelf<Question, ReportQueries.SearchPlan>
    private let manyFound: Shelf<Question, Bool>
    private let matchCounts: Shelf<Matches, Task<Int, any Error>>

    init(longestKeep: TimeInterval = 60, mostEntries: Int = 2_000) {
        plans = Shelf(longestKeep: longestKeep, mostEntries: mostEntries)
        manyFound = Shelf(longestKeep: longestKeep, mostEntries: mostEntries)
        matchCounts = Shelf(longestKeep: longestKeep, mostEntries: mostEntries)
    }

    /// The plan chosen for `question` within the last `longestKeep`, or `choose`'s, kept.
    func plan(
        for question: Question, now: Date, choose: () async throws -> ReportQueries.SearchPlan
    ) async throws -> ReportQueries.SearchPlan {
        if let kept = plans.value(for: question, now: now) { return kept }
        let plan = try await choose()
        plans.keep(plan, for: question, now: now)
        return plan
    }

    /// Whether `question`'s search found more reports than it could gather, lately.
    func foundMany(_ question: Question, now: Date) -> Bool {
        manyFound.value(for: question, now: now) ?? false
    }

    func rememberFoundMany(_ question: Question, now: Date) {
        manyFound.keep(true, for: question, now: now)
    }

    /// The count kept for `matches`, or `count`'s. Whoever asks while it is being counted waits for that count
    /// instead of counting again; a count that failed is not kept.
    func count(_ matches: Matches, now: Date, count: @escaping @Sendable () async throws -> Int) async throws -> Int {
        let counting = matchCounts.value(for: matches, now: now) { Task { try await count() } }
        do {
            return try await counting.value
        } catch {
            matchCounts.forget(matches) { $0 == counting }
            throw error
        }
    }
}

/// Values kept under their keys for at most `longestKeep`, and at most `mostEntries` of them.
private final class Shelf<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Kept {
        let value: Value
        let at: Date
    }

    private let entries = Mutex<[Key: Kept]>([:])
    private let longestKeep: TimeInterval
    private let mostEntries: Int

    init(longestKeep: TimeInterval, mostEntries: Int) {
        self.longestKeep = longestKeep
        self.mostEntries = mostEntries
    }

    func value(for key: Key, now: Date) -> Value? {
        entries.withLock { fresh($0[key], now: now) }
    }

    func keep(_ value: Value, for key: Key, now: Date) {
        entries.withLock { Self.put(value, for: key, in: &$0, now: now, mostEntries: mostEntries) }
    }

    /// The value kept under `key`, or `make`'s, kept: both under one lock, so that askers at the same moment share
    /// one value.
    func value(for key: Key, now: Date, orKeep make: () -> Value) -> Value {
        entries.withLock { entries in
            if let kept = fresh(entries[key], now: now) { return kept }
            let value = make()
            Self.put(value, for: key, in: &entries, now: now, mostEntries: mostEntries)
            return value
        }
    }

    func forget(_ key: Key, if matching: (Value) -> Bool) {
        entries.withLock { entries in
            if let kept = entries[key], matching(kept.value) { entries[key] = nil }
        }
    }

    private func fresh(_ kept: Kept?, now: Date) -> Value? {
        guard let kept, now.timeIntervalSince(kept.at) < longestKeep else { return nil }
        return kept.value
    }

    private static func put(_ value: Value, for key: Key, in entries: inout [Key: Kept], now: Date, mostEntries: Int) {
        // Keys are searches × tabs × scopes: the bound is reached only by many distinct searches in a minute, and
        // starting over then costs one choice each.
        if entries.count >= mostEntries { entries.removeAll(keepingCapacity: true) }
        entries[key] = Kept(value: value, at: now)
    }
}
