import Fluent
import Foundation
import SQLKit
import TanggapCore

/// How a search is run on SQLite, chosen per query from what the indexes say (PostgreSQL's planner weighs its
/// GIN index itself).
extension ReportQueries {
    /// How a search runs on SQLite. Either the full-text index leads (`indexLeads`): it hands out matches newest
    /// first, each is checked against the list's other conditions, and the query stops after a page — right when
    /// many reports pass them. Or the index's matches are collected first and the reports that pass the other
    /// conditions are looked up among them (`matchesFirst`) — right when few pass, where leading would fetch report
    /// after report to find a handful. Or the reports that pass the other conditions are collected first, through
    /// their own indexes, and the index leads, each match checked against that collection instead of its report's
    /// row (`passingFirst`) — right when both are many and few matches pass: work due soon among the 391,000 open
    /// reports that say "jalan" at ten million (26,000 pass; 65–130 ms to collect the matches, 10–30 to collect
    /// them and lead).
    ///
    /// Which one is told by counting the reports that pass the other conditions through their own indexes, up to
    /// `fewReports`; when many pass, by how many of the first matches the query would read pass (a sample of
    /// `sampleSize`, in the query's order, and for a count in either order: the index hands matches out oldest
    /// first unless told otherwise), which tells how far leading would read to find what the query needs; and when
    /// leading would read too far, by whether the passing reports are a quarter of the matches or fewer.
    /// (Checking each passing report against the index one by one was tried: 22 µs a report even for whole
    /// words, as much as collecting a hundred thousand matches for a few thousand reports.)
    ///
    /// Where the index leads, `newestFirst` is the order a count reads it in (a list reads it in its page's order).
    enum SearchPlan: Equatable, Sendable {
        case none
        case indexLeads([String], newestFirst: Bool = false)
        case matchesFirst([String])
        case passingFirst([String], newestFirst: Bool = false)

        /// Whether a count reads the index newest first; nil when the index does not lead (nor names the rows' order).
        var indexNewestFirst: Bool? {
            switch self {
            case .indexLeads(_, let newestFirst), .passingFirst(_, let newestFirst): newestFirst
            case .none, .matchesFirst: nil
            }
        }
    }

    static let fewReports = 2_000
    /// How far the counts that choose between the two collections go: the passing reports up to this many (a
    /// quarter of the matches counted, which stop at four times this). Counting 50,000 through an index costs a few
    /// milliseconds, collecting them 5–10.
    static let manyReports = 50_000
    /// How many matches the sample reads, and how many reports leading may read at most: at ten million, leading
    /// reads a report in 2–3 µs, and collecting a common word's matches first costs 17–20 ms whatever follows.
    static let sampleSize = 500
    static let longestLead = 10_000

    /// `need` is how many reports the query stops after (a page, a capped count), nil when it reads them all;
    /// `newestFirst` the order it reads them in, nil when it has no order of its own (a count): the plan then
    /// reads the index in whichever order its sample finds what passes sooner. `counts`, when given, keeps the
    /// count of the word's matches for the other tabs and the next minute.
    static func searchPlan(
        _ filter: ReportFilter, scope: ListScope, now: Date, few: Int = fewReports, need: Int? = nil, newestFirst: Bool? = false,
        sample sampleSize: Int = sampleSize, keepingCounts counts: SearchPlanMemory? = nil, on db: any Database
    ) async throws -> SearchPlan {
        guard let words = TextSearch.leadingWords(filter.text, on: db) else { return .none }
        var others = filter
        others.text = nil
        // A query that needs many reports takes a sample below whenever many pass the other conditions; it need
        // only tell "few" from "many" as far as a sample reaches (counting 2,000 reports cost 3–6 ms a tab).
        let sampled = (need ?? 0) >= sampleSize
        let enough = sampled ? min(few, sampleSize) : few
        let passing = try await count(others, scope: scope, now: now, upTo: enough, on: db)
        if passing < enough { return .matchesFirst(words) }
        // A page needs few reports, and the sample would cost more than leading saves (a fifth of a list's time).
        guard let need, sampled else { return .indexLeads(words, newestFirst: newestFirst ?? false) }
        // Many reports pass the other conditions, and still few of a common word's matches may (work due soon,
        // searched nationally: none of the oldest 500 open matches). Leading would then read every match.
        var likelier = (passed: -1, newestFirst: false)
        for way in newestFirst.map({ [$0] }) ?? [false, true] {
            let sample = try await self.sample(words, others, filter, scope: scope, now: now, size: sampleSize, newestFirst: way, on: db)
            // Fewer matches than a sample: leading reads them all at once.
            if sample.read < sampleSize || leads(need: need, passed: sample.passed, of: sampleSize) {
                return .indexLeads(words, newestFirst: way)
            }
            // A tie (none passed either way) goes to the newest: the order lists are read in, and where the work
            // that passes a count is found sooner at ten million (due soon, answered: 20 ms newest first, 35–50 oldest).
            if sample.passed >= likelier.passed { likelier = (sample.passed, way) }
        }
        // Leading would read too far: one of the two is collected first, and the other side read until the query
        // has what it needs. The passing reports are collected only when they are at most a quarter of the matches:
        // collecting the matches lets the passing reports, read through their own index, stop early, which makes up
        // for a collection a few times larger (`lampu`, 46,000 open matches, due soon: 15 ms matches first, 30
        // passing first; `jalan`, 391,000: 65–130 and 20). The matches are counted first, up to four times
        // `manyReports` (the index reads whole words lazily, so the count stops there: 3 ms for `lampu`, 12 at the
        // bound), then the passing reports, through their own indexes, up to a quarter of that.
        let quarter = try await countMatches(words, serving: filter, upTo: 4 * manyReports, now: now, keepingIn: counts, on: db) / 4
        let passingCount = try await count(others, scope: scope, now: now, upTo: quarter, on: db)
        return passingCount < quarter ? .passingFirst(words, newestFirst: likelier.newestFirst) : .matchesFirst(words)
    }

    /// How many matches the index holds for `words` among the reports `filter` asks it for, up to `limit`.
    private static func countMatches(
        _ words: [String], serving filter: ReportFilter, upTo limit: Int, now: Date, keepingIn counts: SearchPlanMemory?,
        on db: any Database
    ) async throws -> Int {
        struct Count: Decodable { let n: Int }
        let matches = TextSearch.firstMatches(words, serving: filter, count: limit, newestFirst: false, as: "m")
        let count: @Sendable () async throws -> Int = {
            try await db.sql.raw("SELECT COUNT(*) AS n FROM \(matches)").first(decoding: Count.self)?.n ?? 0
        }
        guard let counts else { return try await count() }
        let question = SearchPlanMemory.Matches(
            index: TextSearch.Index.serving(filter), words: words, holders: TextSearch.holders(filter), upTo: limit)
        return try await counts.count(question, now: now, count: count)
    }

    /// How many of the index's first `size` matches, in the order given, pass the other conditions, and how many
    /// there were: one statement reads them once.
    private static func sample(
        _ words: [String], _ others: ReportFilter, _ filter: ReportFilter, scope: ListScope, now: Date, size: Int, newestFirst: Bool,
        on db: any Database
    ) async throws -> (read: Int, passed: Int) {
        struct Sample: Decodable {
            let read: Int
            let passed: Int?
        }
        let first = TextSearch.firstMatches(words, serving: filter, count: size, newestFirst: newestFirst, as: "first")
        let passes = filtered(SQLLiteral.numeric("1"), others, .none, scope: scope, now: now, on: db).where(SQLRaw("r.id = first.rowid"))
        let sample = try await db.sql.raw("SELECT COUNT(*) AS read, SUM(EXISTS (\(passes.query))) AS passed FROM \(first)")
            .first(decoding: Sample.self)
        return (sample?.read ?? 0, sample?.passed ?? 0)
    }

    /// The plan for one page: it needs the page and the next row, in its order; sorted by deadline, every match
    /// is read whatever the plan, so no sample.
    static func searchPlan(
        _ filter: ReportFilter, scope: ListScope, now: Date, for page: PageRequest, remembering plans: SearchPlanMemory?,
        on db: any Database
    ) async throws -> SearchPlan {
        try await searchPlan(
            filter, scope: scope, now: now, need: page.byDue ? nil : page.limit + 1, newestFirst: !page.oldestFirst, remembering: plans,
            on: db)
    }

    /// The plan `plans` kept for the same question, or a new choice, kept there. Without words there is nothing to
    /// choose and nothing is kept.
    static func searchPlan(
        _ filter: ReportFilter, scope: ListScope, now: Date, need: Int?, newestFirst: Bool?, remembering plans: SearchPlanMemory?,
        on db: any Database
    ) async throws -> SearchPlan {
        guard let plans, TextSearch.leadingWords(filter.text, on: db) != nil else {
            return try await searchPlan(filter, scope: scope, now: now, need: need, newestFirst: newestFirst, on: db)
        }
        let question = SearchPlanMemory.Question(filter: filter, scope: scope, need: need, newestFirst: newestFirst)
        return try await plans.plan(for: question, now: now) {
            try await searchPlan(filter, scope: scope, now: now, need: need, newestFirst: newestFirst, keepingCounts: plans, on: db)
        }
    }

    /// Whether leading would find `need` reports within `longestLead` reads, at the rate the sample passed.
    static func leads(need: Int, passed: Int, of sampleSize: Int) -> Bool {
        passed > 0 && need * sampleSize / passed <= longestLead
    }
}
