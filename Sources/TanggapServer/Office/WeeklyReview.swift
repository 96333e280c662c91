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
        let risingTerms: [RisingTopics.Topic]
        let risingCategories: [RisingTopics.Topic]
    }

    static let maxListed = 500

    static func compute(
        under institution: Institution, weekStart: Date, now: Date, closedWeeks: ClosedWeekCounts = ClosedWeekCounts(), on db: any Database
    ) async throws -> Result {
        let weekEnd = weekStart.addingTimeInterval(7 * 86_400)
        let priorStart = weekStart.addingTimeInterval(-28 * 86_400)
        let withinR = Subtree.condition("r.holder_path", within: institution.path, on: db)
        let prefix = institution.path.encoded + "%"
        let created = Subtree.keptOffItsIndex("r.created_at", heldWithin: [institution.path], on: db)
        let received = try await db.sql.raw("""
            SELECT tracking_id, title, category_id, holder_id, channel, created_at FROM reports r
            WHERE \(withinR) AND \(unsafeRaw: created) >= \(bind: weekStart) AND \(unsafeRaw: created) < \(bind: weekEnd)
            ORDER BY \(unsafeRaw: created) LIMIT \(bind: maxListed)
            """).all(decoding: Received.self)
        // Red now, by the same rule as the inbox's "late" tab, soonest deadline first.
        var late = ReportFilter()
        late.late = true
        late.heldWithin = [institution.path]
        var page = PageRequest()
        page.limit = maxListed
        page.byDue = true
        let everything = ListScope(everything: true, published: false, reporterUserID: nil, subtrees: [])
        let red = try await ReportQueries.list(
            ["tracking_id", "title", "holder_id", "stage_due_at"], as: Red.self, late, scope: everything, page: page, now: now, on: db).rows
        let answerers = try await db.sql.raw("""
            SELECT u.name, i.name AS institution, COUNT(*) AS answers
            FROM report_events e JOIN users u ON u.id = e.actor_user_id JOIN institutions i ON i.id = e.actor_institution_id
            WHERE e.kind = 'answer' AND e.at >= \(bind: weekStart) AND e.at < \(bind: weekEnd) AND i.path LIKE \(bind: prefix)
            GROUP BY u.name, i.name ORDER BY answers DESC, u.name
            """).all(decoding: Answerer.self)

        let topics = try await topicSample(
            of: institution.path, within: withinR, created: created, from: priorStart, to: weekStart, now: now, closedWeeks: closedWeeks, on: db)
        let titles = (now: topics.thisWeek.map { RisingTopics.terms(in: $0.title) }, before: topics.before.map { RisingTopics.terms(in: $0.title) })
        let categories = (now: topics.thisWeek.map { Set($0.category.map { [$0] } ?? []) }, before: topics.before.map { Set($0.category.map { [$0] } ?? []) })
        return Result(
            received: received, red: red, answerers: answerers,
            risingTerms: RisingTopics.rising(thisWeek: titles.now, before: titles.before, coverage: topics.coverage),
            risingCategories: RisingTopics.rising(thisWeek: categories.now, before: categories.before, minimum: 1, coverage: topics.coverage))
    }

    /// How many of a week's newest reports the rising topics read: topics are shares, and a few thousand reports show
    /// the same shares as the hundred thousand a national week holds, at a fixed cost. Each week before is read the
    /// same way, a quarter as many, so the comparison spans all four.
    static let topicSampleSize = 5_000

    struct TopicRow {
        let title: String
        let category: String?

        /// Read column by column: a national page reads ten thousand of these, and the keyed row decoder cost a
        /// seventh of the page.
        init(_ row: any SQLRow) throws {
            title = try row.decode(column: "title", as: String.self)
            category = try row.decodeNil(column: "category") ? nil : try row.decode(column: "category", as: String.self)
        }
    }

    /// The week's reports and the four weeks' before (each week up to its sample size, its newest), with the share
    /// of the reports that was read.
    private static func topicSample(
        of subtree: InstitutionPath, within: any SQLExpression, created: String, from priorStart: Date, to weekStart: Date, now: Date,
        closedWeeks: ClosedWeekCounts, on db: any Database
    ) async throws -> (thisWeek: [TopicRow], before: [TopicRow], coverage: RisingTopics.Coverage) {
        struct Count: Decodable { let n: Int }
        func week(from start: Date, limit: Int) async throws -> (rows: [TopicRow], total: Int) {
            let end = start.addingTimeInterval(7 * 86_400)
            let range: SQLQueryString = "\(unsafeRaw: created) >= \(bind: start) AND \(unsafeRaw: created) < \(bind: end)"
            let rows = try await db.sql.raw("""
                SELECT r.title, c.name AS category FROM reports r LEFT JOIN categories c ON c.id = r.category_id
                WHERE \(within) AND \(range) AND (r.archive_reason IS NULL OR r.archive_reason <> 'spam')
                ORDER BY \(unsafeRaw: created) DESC LIMIT \(bind: limit)
                """).all().map(TopicRow.init)
            guard rows.count == limit else { return (rows, rows.count) }
            // Counted from the index alone; the few spam reports among them shift the share by a hair.
            let total = try await closedWeeks.count(subtree: subtree.encoded, from: start, to: end, now: now) {
                try await db.sql.raw("SELECT COUNT(*) AS n FROM reports r WHERE \(within) AND \(range)").first(decoding: Count.self)?.n ?? limit
            }
            return (rows, max(total, limit))
        }
        let thisWeek = try await week(from: weekStart, limit: topicSampleSize)
        var before: [TopicRow] = [], beforeTotal = 0
        for k in 0..<4 {
            let earlier = try await week(from: priorStart.addingTimeInterval(Double(k) * 7 * 86_400), limit: topicSampleSize / 4)
            before += earlier.rows
            beforeTotal += earlier.total
        }
        func share(_ read: Int, _ total: Int) -> Double { total == 0 ? 1 : Double(read) / Double(total) }
        return (thisWeek.rows, before, RisingTopics.Coverage(thisWeek: share(thisWeek.rows.count, thisWeek.total), before: share(before.count, beforeTotal)))
    }
}
