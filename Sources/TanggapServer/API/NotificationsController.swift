import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// `/api/v1/notifications`: the reminders a person has had (the in-app list), and `/api/v1/jobs`: the dead
/// letter of background work, for national admins to see and retry.
enum NotificationsController {
    static func register(_ api: any RoutesBuilder) {
        api.get("notifications", use: list)
        api.post("notifications", "read", use: markRead)
        api.get("jobs", use: jobs)
        api.post("jobs", ":id", "retry", use: retry)
    }

    struct Item: Content {
        let id: Int64
        let kind: String
        let trackingID: String
        let title: String
        let institution: Named?
        let createdAt: Date
        let readAt: Date?
    }

    private struct StoredNotification: Decodable {
        let id: Int64
        let kind: String
        let tracking_id: String
        let title: String
        let institution_id: Int64?
        let institution_name: String?
        let created_at: Date
        let read_at: Date?
    }

    @Sendable static func list(_ req: Request) async throws -> Items<Item> {
        let user = try req.requireSignedInUser()
        let unreadOnly = (try? req.query.get(Bool.self, at: "unread")) ?? false
        let rows = try await req.db.sql.raw(
            """
            SELECT n.id, n.kind, r.tracking_id, r.title, n.institution_id, i.name AS institution_name, n.created_at, n.read_at
            FROM notifications n JOIN reports r ON r.id = n.report_id LEFT JOIN institutions i ON i.id = n.institution_id
            WHERE n.user_id = \(bind: user.id)\(unsafeRaw: unreadOnly ? " AND n.read_at IS NULL" : "")
            ORDER BY n.id DESC LIMIT 200
            """
        ).all(decoding: StoredNotification.self)
        return Items(
            items: rows.map { row in
                Item(
                    id: row.id, kind: row.kind, trackingID: TrackingID(parsing: row.tracking_id)?.display ?? row.tracking_id,
                    title: row.title,
                    institution: row.institution_id.map { Named(id: $0, name: row.institution_name ?? "") }, createdAt: row.created_at,
                    readAt: row.read_at)
            })
    }

    struct ReadBody: Content {
        var ids: [Int64]?
    }

    /// Marks the given notifications (or all) of the signed-in person as read.
    @Sendable static func markRead(_ req: Request) async throws -> HTTPStatus {
        let user = try req.requireSignedInUser()
        let body = req.body.data == nil ? ReadBody() : try req.decodeBody(ReadBody.self)
        var update = req.db.sql.update("notifications").set("read_at", to: SQLBind(req.now))
            .where("user_id", .equal, SQLBind(user.id)).where("read_at", .is, SQLLiteral.null)
        if let ids = body.ids {
            guard ids.count <= 1_000 else { throw APIError.field("ids", .tooMany) }
            // An empty list marks nothing (and `IN ()` is not SQL that every database accepts).
            guard !ids.isEmpty else { return .noContent }
            update = update.where("id", .in, SQLBind.group(ids))
        }
        try await update.run()
        return .noContent
    }

    struct Job: Content {
        let id: Int64
        let kind: String
        let state: String
        let attempts: Int
        let runAt: Date
        let lastError: String?
        let createdAt: Date
    }

    private struct JobRow: Decodable {
        let id: Int64
        let kind: String
        let state: String
        let attempts: Int
        let run_at: Date
        let last_error: String?
        let created_at: Date
    }

    @Sendable static func jobs(_ req: Request) async throws -> Items<Job> {
        try requireJobAdmin(req)
        let state = (try? req.query.get(String.self, at: "state")) ?? "dead"
        guard ["queued", "running", "done", "dead"].contains(state) else { throw APIError.field("state", .invalid) }
        let rows = try await req.db.sql.select().columns("id", "kind", "state", "attempts", "run_at", "last_error", "created_at")
            .from("jobs").where("state", .equal, SQLBind(state)).orderBy("id", .descending).limit(200).all(decoding: JobRow.self)
        return Items(
            items: rows.map {
                Job(
                    id: $0.id, kind: $0.kind, state: $0.state, attempts: $0.attempts, runAt: $0.run_at,
                    lastError: $0.last_error, createdAt: $0.created_at)
            })
    }

    @Sendable static func retry(_ req: Request) async throws -> HTTPStatus {
        try requireJobAdmin(req)
        guard let id = req.parameters.get("id", as: Int64.self), try await JobQueue.retry(id, now: req.now, on: req.db) else {
            throw APIError.notFound
        }
        return .accepted
    }

    private static func requireJobAdmin(_ req: Request) throws {
        guard AdministrationPolicy.mayManageJobs(try req.requireSignedInUser().actor) else { throw APIError.forbidden }
    }
}
