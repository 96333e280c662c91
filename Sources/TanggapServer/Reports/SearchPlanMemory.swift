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
/// statistics between two runs of `ANALYZE`. A search that found more reports than a list can gather by id (the
/// inbox resolves a rare word once for all its tabs) is remembered the same way, so that question is not asked
/// again either; when that changes, each tab searches for itself, as for a common word.
final class SearchPlanMemory: Sendable {
    /// What a plan depends on besides the database's contents: the list's conditions and scope, how many reports
    /// it needs, and in which order it reads them.
    struct Question: Hashable, Sendable {
        let filter: ReportFilter
        let scope: ListScope
        let need: Int?
        let newestFirst: Bool?
    }

    private struct Kept<Value: Sendable>: Sendable {
        let value: Value
        let at: Date
    }

    private let plans = Mutex<[Question: Kept<ReportQueries.SearchPlan>]>([:])
    private let manyFound = Mutex<[Question: Kept<Bool>]>([:])
    private let longestKeep: TimeInterval
    private let mostEntries: Int

    init(longestKeep: TimeInterval = 60, mostEntries: Int = 2_000) {
        self.longestKeep = longestKeep
        self.mostEntries = mostEntries
    }

    /// The plan chosen for `question` within the last `longestKeep`, or `choose`'s, kept.
    func plan(
        for question: Question, now: Date, choose: () async throws -> ReportQueries.SearchPlan
    ) async throws -> ReportQueries.SearchPlan {
        if let kept = Self.fresh(question, in: plans, now: now, longestKeep: longestKeep) { return kept }
        let plan = try await choose()
        Self.keep(plan, for: question, in: plans, now: now, mostEntries: mostEntries)
        return plan
    }

    /// Whether `question`'s search found more reports than it could gather, lately.
    func foundMany(_ question: Question, now: Date) -> Bool {
        Self.fresh(question, in: manyFound, now: now, longestKeep: longestKeep) ?? false
    }

    func rememberFoundMany(_ question: Question, now: Date) {
        Self.keep(true, for: question, in: manyFound, now: now, mostEntries: mostEntries)
    }

    private static func fresh<Value>(
        _ question: Question, in entries: borrowing Mutex<[Question: Kept<Value>]>, now: Date, longestKeep: TimeInterval
    ) -> Value? {
        guard let kept = entries.withLock({ $0[question] }), now.timeIntervalSince(kept.at) < longestKeep else { return nil }
        return kept.value
    }

    private static func keep<Value>(
        _ value: Value, for question: Question, in entries: borrowing Mutex<[Question: Kept<Value>]>, now: Date, mostEntries: Int
    ) {
        entries.withLock { entries in
            // Questions are searches × tabs × scopes: the bound is reached only by many distinct searches in a
            // minute, and starting over then costs one choice each.
            if entries.count >= mostEntries { entries.removeAll(keepingCapacity: true) }
            entries[question] = Kept(value: value, at: now)
        }
    }
}
