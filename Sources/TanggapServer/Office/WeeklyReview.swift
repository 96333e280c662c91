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

    struct Red: Sendable {
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

    static func compute(under institution: Institution, weekStart: Date, now: Date, on db: any Database) async throws -> Result {
        let weekEnd = weekStart.addingTimeInterval(7 * 86_400)
        let priorStart = weekStart.addingTimeInterval(-28 * 86_400)
        let within = Subtree.condition("holder_path", within: institution.path, on: db)
        let withinR = Subtree.condition("r.holder_path", within: institution.path, on: db)
        let prefix = institution.path.encoded + "%"
        let received = try await db.sql.raw("""
            SELECT tracking_id, title, category_id, holder_id, channel, created_at FROM reports
            WHERE \(within) AND created_at >= \(bind: weekStart) AND created_at < \(bind: weekEnd)
            ORDER BY created_at LIMIT \(bind: maxListed)
            """).all(decoding: Received.self)
        // Red now, by the same rule as the inbox's "late" tab, soonest deadline first.
        var late = ReportFilter()
        late.late = true
        late.heldWithin = [institution.path]
        var page = PageRequest()
        page.limit = maxListed
        page.byDue = true
        let everything = ListScope(everything: true, published: false, reporterUserID: nil, subtrees: [])
        let red = try await ReportQueries.list(late, scope: everything, page: page, now: now, on: db).reports.map { report in
            Red(tracking_id: report.trackingID, title: report.title, holder_id: report.holderID, stage_due_at: report.stageDueAt ?? now)
        }
        let answerers = try await db.sql.raw("""
            SELECT u.name, i.name AS institution, COUNT(*) AS answers
            FROM report_events e JOIN users u ON u.id = e.actor_user_id JOIN institutions i ON i.id = e.actor_institution_id
            WHERE e.kind = 'answer' AND e.at >= \(bind: weekStart) AND e.at < \(bind: weekEnd) AND i.path LIKE \(bind: prefix)
            GROUP BY u.name, i.name ORDER BY answers DESC, u.name
            """).all(decoding: Answerer.self)

        struct Topic: Decodable { let title: String; let category: String?; let created_at: Date }
        let topics = try await db.sql.raw("""
            SELECT r.title, c.name AS category, r.created_at FROM reports r LEFT JOIN categories c ON c.id = r.category_id
            WHERE \(withinR) AND r.created_at >= \(bind: priorStart) AND r.created_at < \(bind: weekEnd)
              AND (r.archive_reason IS NULL OR r.archive_reason <> 'spam')
            """).all(decoding: Topic.self)
        let (now, before) = (topics.filter { $0.created_at >= weekStart }, topics.filter { $0.created_at < weekStart })
        return Result(
            received: received, red: red, answerers: answerers,
            risingTerms: RisingTopics.rising(thisWeek: now.map { RisingTopics.terms(in: $0.title) }, before: before.map { RisingTopics.terms(in: $0.title) }),
            risingCategories: RisingTopics.rising(thisWeek: now.map { Set($0.category.map { [$0] } ?? []) },
                                                  before: before.map { Set($0.category.map { [$0] } ?? []) }, minimum: 1))
    }
}
