import Fluent
import Foundation
import SQLKit

/// In-app notifications: one row per person per report and reason. They are written in the same transaction
/// as the change they tell of; e-mail digests are made from the ones not yet e-mailed.
enum NotificationStore {
    enum Kind: String, Codable, Sendable {
        case yellow, red, ladder
    }

    static func add(_ kind: Kind, for users: [Int64], reportID: Int64, institutionID: Int64?, now: Date, on db: any Database) async throws {
        guard !users.isEmpty else { return }
        var insert = db.sql.insert(into: "notifications").columns("user_id", "report_id", "kind", "institution_id", "created_at")
        for user in users {
            insert = insert.values(SQLBind(user), SQLBind(reportID), SQLBind(kind.rawValue), SQLBind(institutionID), SQLBind(now))
        }
        try await insert.run()
    }

    /// One digest job per person with notifications not yet e-mailed (a person already waiting for one gets
    /// no second).
    static func enqueueDigests(now: Date, on db: any Database) async throws -> Int {
        let users = try await db.sql.raw("SELECT DISTINCT user_id FROM notifications WHERE emailed_at IS NULL ORDER BY user_id")
            .all(decodingColumn: "user_id", as: Int64.self)
        for user in users {
            try await JobQueue.enqueue(
                JobKinds.emailDigest, payload: DigestMail.Payload(userID: user), runAt: now,
                dedupeKey: "digest:\(user)", on: db)
        }
        return users.count
    }
}
