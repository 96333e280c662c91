import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The weekly review of an institution: what came in, what is red and since when, who answered, and the
/// week's rising topics against the four weeks before.
enum WeeklyReview {
    struct Received: Decodable, Sendable {
        let tracking_id: String
        let title: String
        let category_id: Int64?
        let holder_id: Int64
        let channel: String
        let created_at: Date
    }

    struct Red: Decodable, Sendable {
        let tracking_id: String
        let title: String
        let holder_id: Int64
        let stage_due_at: Date
    }

    struct Answerer: Decodable, Sendable {
        let name: String
        let institution: String
        let answers: Int
    }

    struct Result: Sendable {
        let received: [Received]
        let red: [Red]
        let answerers: [Answerer]
        /// How many times an anonim reporter's sealed identity was opened within the subtree this week.
        let identityOpenings: Int
        let risingTerms: [RisingTopics.Topic]
        let risingCategories: [RisingTopics.Topic]
    }

    static let maxListed = 500

    /// With `alongside`, other connections to the same database, the five weeks' topic samples — most of a national
    /// review's time, reading and splitting ten thousand titles — are dealt out among all of them (`SideBySide`)
    /// while `db` also reads the lists.
    static func compute(
        under institution: Institution, weekStart: Date, now: Date, closedWeeks: ClosedWeekCounts = ClosedWeekCounts(), on db: any Database,
        alongside others: [any Database] = []
    ) async throws -> Result {
        async let listed = lists(under: institution, weekStart: weekStart, now: now, on: db)
        // This week's newest, then each of the four weeks before, a quarter as many.
        let weeks =
            [(start: weekStart, reading: topicSampleSize)]
            + (1...4).map { (start: weekStart.addingTimeInterval(-Double($0) * 7 * 86_400), reading: topicSampleSize / 4) }
        let samples = try await SideBySide.read(weeks, on: [db] + others) { week, db in
            try await sample(week: week.start, reading: week.reading, under: institution.path, now: now, closedWeeks: closedWeeks, on: db)
        }
        let thisWeek = samples[0]
        let before = samples.dropFirst().reduce(into: WeekSample()) { $0.add($1) }
        let coverage = RisingTopics.Coverage(thisWeek: thisWeek.share, before: before.share)
        let (received, red, answerers) = try await listed
        let openings = try await IdentityReveals.count(
            under: institution.path, from: weekStart, to: weekStart.addingTimeInterval(7 * 86_400), on: db)
        return Result(
            received: received, red: red, answerers: answerers, identityOpenings: openings,
            risingTerms: RisingTopics.rising(thisWeek: thisWeek.titles, before: before.titles, coverage: coverage),
            risingCategories: RisingTopics.rising(thisWeek: thisWeek.categories, before: before.categories, minimum: 1, coverage: coverage))
    }

    /// What came in during the week, what is red now, and who answered.
    private static func lists(
        under institution: Institution, weekStart: Date, now: Date, on db: any Database
    ) async throws -> (received: [Received], red: [Red], answerers: [Answerer]) {
        let weekEnd = weekStart.addingTimeInterval(7 * 86_400)
        let withinR = Subtree.condition("r.holder_path", within: institution.path, on: db)
        let prefix = institution.path.encoded + "%"
        let created = Subtree.keptOffItsIndex("r.created_at", heldWithin: [institution.path], on: db)
        let received = try await db.sql.raw(
            """
            SELECT tracking_id, title, category_id, holder_id, channel, created_at FROM reports r
            WHERE \(withinR) AND \(unsafeRaw: created) >= \(bind: weekStart) AND \(unsafeRaw: created) < \(bind: weekEnd)
            ORDER BY \(unsafeRaw: created) LIMIT \(bind: maxListed)
            """
        ).all(decoding: Received.self)
        // Red now, by the same rule as the inbox's "late" tab, soonest deadline first.
        var late = ReportFilter()
        late.late = true
        late.heldWithin = [institution.path]
        var page = PageRequest()
        page.limit = maxListed
        page.byDue = true
        let everything = ListScope(everything: true, published: false, reporterUserID: nil, subtrees: [])
        let red = try await ReportQueries.list(
            ["tracking_id", "title", "holder_id", "stage_due_at"], as: Red.self, late, scope: everything, page: page, now: now, on: db
        ).rows
        let answerers = try await db.sql.raw(
            """
            SELECT u.name, i.name AS institution, COUNT(*) AS answers
            FROM report_events e JOIN users u ON u.id = e.actor_user_id JOIN institutions i ON i.id = e.actor_institution_id
            WHERE e.kind = 'answer' AND e.at >= \(bind: weekStart) AND e.at < \(bind: weekEnd) AND i.path LIKE \(bind: prefix)
            GROUP BY u.name, i.name ORDER BY answers DESC, u.name
            """
        ).all(decoding: Answerer.self)
        return (received, red, answerers)
    }

    /// How many of a week's newest reports the rising topics read: topics are shares, and a few thousand reports show
    /// the same shares as the hundred thousand a national week holds, at a fixed cost. Each week before is read the
    /// same way, a quarter as many, so the comparison spans all four.
    static let topicSampleSize = 5_000

    /// A week's newest reports as the rising topics read them: the words of each title and its category, and how
    /// many reports were read of how many the week held.
    struct WeekSample: Sendable {
        var titles: [Set<String>] = []
        var categories: [Set<String>] = []
        var read = 0
        var total = 0

        var share: Double { total == 0 ? 1 : Double(read) / Double(total) }

        mutating func add(_ other: WeekSample) {
            titles += other.titles
            categories += other.categories
            read += other.read
            total += other.total
        }
    }

    /// The newest `limit` reports received in the week from `start` within `subtree` (spam left out), with the
    /// week's count: read from the index alone, and kept for a week that is over (`ClosedWeekCounts`).
    private static func sample(
        week start: Date, reading limit: Int, under subtree: InstitutionPath, now: Date, closedWeeks: ClosedWeekCounts, on db: any Database
    ) async throws -> WeekSample {
        struct Count: Decodable { let n: Int }
        let end = start.addingTimeInterval(7 * 86_400)
        let within = Subtree.condition("r.holder_path", within: subtree, on: db)
        let created = Subtree.keptOffItsIndex("r.created_at", heldWithin: [subtree], on: db)
        let range: SQLQueryString = "\(unsafeRaw: created) >= \(bind: start) AND \(unsafeRaw: created) < \(bind: end)"
        // Read column by column: a national page reads ten thousand of these, and the keyed row decoder cost a
        // seventh of the page.
        var sample = WeekSample()
        for row in try await db.sql.raw(
            """
            SELECT r.title, c.name AS category FROM reports r LEFT JOIN categories c ON c.id = r.category_id
            WHERE \(within) AND \(range) AND (r.archive_reason IS NULL OR r.archive_reason <> 'spam')
            ORDER BY \(unsafeRaw: created) DESC LIMIT \(bind: limit)
            """
        ).all() {
            sample.titles.append(RisingTopics.terms(in: try row.decode(column: "title", as: String.self)))
            let category = try row.decodeNil(column: "category") ? nil : try row.decode(column: "category", as: String.self)
            sample.categories.append(Set(category.map { [$0] } ?? []))
        }
        sample.read = sample.titles.count
        guard sample.read == limit else {
            sample.total = sample.read
            return sample
        }
        // Counted from the index alone; the few spam reports among them shift the share by a hair.
        let total = try await closedWeeks.count(subtree: subtree.encoded, from: start, to: end, now: now) {
            try await db.sql.raw("SELECT COUNT(*) AS n FROM reports r WHERE \(within) AND \(range)").first(decoding: Count.self)?.n ?? limit
        }
        sample.total = max(total, limit)
        return sample
    }
}
