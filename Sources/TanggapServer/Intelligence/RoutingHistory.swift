import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The instance's own history as the routing model learns from it: reports a verifier has categorised and sent on,
/// newest first, with the body that holds them now (the one that answered, or is answering).
enum RoutingHistory {
    struct Row: Decodable, Sendable {
        let id: Int64
        let title: String
        let body: String
        let category_id: Int64?
        let region_id: Int64?
        let holder_id: Int64
        let created_at: Date
        let dispatched_at: Date?
        let duplicate_of_id: Int64?

        var text: String { IndonesianText.ofReport(title: title, body: body) }
    }

    static let columns = "id, title, body, category_id, region_id, holder_id, created_at, dispatched_at, duplicate_of_id"

    /// How many of the newest dispatched reports a model learns from: enough for every kind of body to be met
    /// many times, few enough that training stays a minute's work at national scale.
    static let mostLessons = 200_000

    /// The newest `limit` reports that were sent on (not merged into another), received before `before` if given.
    static func lessons(limit: Int = mostLessons, before: Date? = nil, on db: any Database) async throws -> [Row] {
        try await db.sql.raw(
            """
            SELECT \(unsafeRaw: columns) FROM reports WHERE dispatched_at IS NOT NULL AND duplicate_of_id IS NULL
            AND created_at < \(bind: before ?? .distantFuture) ORDER BY created_at DESC LIMIT \(bind: limit)
            """
        ).all(decoding: Row.self)
    }

    static func lesson(from row: Row, bodies: BodyDirectory) -> RoutingModel.Lesson {
        RoutingModel.Lesson(text: row.text, categoryID: row.category_id, body: bodies.key(of: row.holder_id))
    }

    /// A model learnt from `rows`, features met fewer than twice dropped.
    static func train(on rows: [Row], bodies: BodyDirectory) -> RoutingModel {
        var model = RoutingModel()
        for row in rows { model.learn(lesson(from: row, bodies: bodies)) }
        model.prune(below: 2)
        return model
    }
}
