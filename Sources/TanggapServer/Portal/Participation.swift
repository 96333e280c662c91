import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Support ("dukung") and comments on published reports. Counts on the report row are recounted in the same
/// transaction as the change, so a double click or two tabs can never make them drift.
enum Participation {
    struct Comment: Decodable, Sendable {
        let id: Int64
        let user_id: Int64
        let author: String
        let body: String
        let created_at: Date
    }

    static func supports(_ reportID: Int64, by userID: Int64, on db: any Database) async throws -> Bool {
        try await db.sql.select().column("report_id").from("report_supports")
            .where("report_id", .equal, reportID).where("user_id", .equal, userID).first() != nil
    }

    /// Adds (or, with `withdraw`, takes back) this account's support; a second click changes nothing.
    static func support(_ reportID: Int64, by userID: Int64, withdraw: Bool = false, now: Date, on db: any Database) async throws {
        try await db.writeTransaction { db in
            if withdraw {
                try await db.sql.delete(from: "report_supports").where("report_id", .equal, reportID).where("user_id", .equal, userID).run()
            } else {
                try await db.sql.raw(
                    """
                    INSERT INTO report_supports (report_id, user_id, created_at) VALUES (\(bind: reportID), \(bind: userID), \(bind: now))
                    ON CONFLICT (report_id, user_id) DO NOTHING
                    """
                ).run()
            }
            try await db.sql.raw(
                """
                UPDATE reports SET support_count = (SELECT COUNT(*) FROM report_supports WHERE report_id = \(bind: reportID))
                WHERE id = \(bind: reportID)
                """
            ).run()
        }
    }

    static func comments(of reportID: Int64, on db: any Database) async throws -> [Comment] {
        try await db.sql.raw(
            """
            SELECT c.id, c.user_id, u.name AS author, c.body, c.created_at FROM report_comments c JOIN users u ON u.id = c.user_id
            WHERE c.report_id = \(bind: reportID) AND c.status = \(bind: CommentModeration.Status.visible.rawValue) ORDER BY c.id LIMIT 500
            """
        ).all(decoding: Comment.self)
    }

    /// Checks and stores a comment; the text rules are those of every other comment in Tanggap.
    static func addComment(_ text: String?, to reportID: Int64, by userID: Int64, now: Date, on db: any Database) async throws {
        var check = FieldChecker()
        let body = check.requiredText(text, field: "comment", limits: TextLimits.comment, multiLine: true)
        try check.finish()
        try await db.writeTransaction { db in
            try await db.sql.insert(into: "report_comments")
                .columns("report_id", "user_id", "body", "created_at", "status", "flag_count")
                .values(
                    SQLBind(reportID), SQLBind(userID), SQLBind(body!), SQLBind(now), SQLBind(CommentModeration.Status.visible.rawValue),
                    SQLBind(0)
                )
                .run()
            try await recountComments(of: reportID, on: db)
        }
    }

    /// Records one account's flag on a comment, weighed by the account (`CommentModeration.flagWeight`), and
    /// hides the comment once the flags weigh enough. Returns the report the comment belongs to.
    static func flag(_ commentID: Int64, by userID: Int64, now: Date, on db: any Database) async throws -> Int64? {
        try await db.writeTransaction { db in
            guard
                let reportID = try await db.sql.select().column("report_id").from("report_comments")
                    .where("id", .equal, commentID).first(decodingColumn: "report_id", as: Int64.self),
                let account = try await UserModel.find(userID, on: db)
            else { return nil }
            let weight = CommentModeration.flagWeight(accountAge: now.timeIntervalSince(account.createdAt))
            try await db.sql.raw(
                """
                INSERT INTO comment_flags (comment_id, user_id, created_at, weight)
                VALUES (\(bind: commentID), \(bind: userID), \(bind: now), \(bind: weight))
                ON CONFLICT (comment_id, user_id) DO NOTHING
                """
            ).run()
            struct Weighed: Decodable {
                let flags: Int
                let total: Int?
            }
            let weighed = try await db.sql.raw(
                """
                SELECT COUNT(*) AS flags, SUM(weight) AS total FROM comment_flags WHERE comment_id = \(bind: commentID)
                """
            ).first(decoding: Weighed.self)
            try await db.sql.update("report_comments").set("flag_count", to: weighed?.flags ?? 0).where("id", .equal, commentID).run()
            if CommentModeration.hides(totalWeight: weighed?.total ?? 0) {
                try await db.sql.update("report_comments").set("status", to: CommentModeration.Status.hidden.rawValue)
                    .where("id", .equal, commentID).where("status", .equal, CommentModeration.Status.visible.rawValue).run()
            }
            try await recountComments(of: reportID, on: db)
            return reportID
        }
    }

    struct HiddenComment: Decodable, Sendable {
        let id: Int64
        let report_id: Int64
        let tracking_id: String
        let holder_path: String
        let user_id: Int64
        let reporter_user_id: Int64?
        let is_anonymous: Bool
        let author: String
        let body: String
        let flag_count: Int
        let created_at: Date

        /// The author as the queue shows them: an anonim reporter commenting on their own report stays "the
        /// reporter" here too, whoever moderates.
        var shownAuthor: String? {
            CommentModeration.showsAuthorName(commenterID: user_id, reporterUserID: reporter_user_id, reportIsAnonymous: is_anonymous)
                ? author : nil
        }
    }

    /// Comments waiting for a moderator, oldest first.
    static func hiddenComments(on db: any Database) async throws -> [HiddenComment] {
        try await db.sql.raw(
            """
            SELECT c.id, c.report_id, r.tracking_id, r.holder_path, c.user_id, r.reporter_user_id, r.is_anonymous, u.name AS author,
                c.body, c.flag_count, c.created_at
            FROM report_comments c JOIN users u ON u.id = c.user_id JOIN reports r ON r.id = c.report_id
            WHERE c.status = \(bind: CommentModeration.Status.hidden.rawValue) ORDER BY c.id LIMIT 200
            """
        ).all(decoding: HiddenComment.self)
    }

    /// A moderator's decision on a hidden comment. Restoring clears the flags, so the same accounts cannot
    /// hide it again at once; removing keeps the row for the record.
    static func moderate(
        _ comment: HiddenComment, _ decision: CommentModeration.Decision, by moderatorID: Int64, now: Date, on db: any Database
    ) async throws {
        try await db.writeTransaction { db in
            let status: CommentModeration.Status = decision == .restore ? .visible : .removed
            if decision == .restore {
                try await db.sql.delete(from: "comment_flags").where("comment_id", .equal, comment.id).run()
            }
            try await db.sql.update("report_comments")
                .set("status", to: status.rawValue).set("flag_count", to: decision == .restore ? 0 : comment.flag_count)
                .set("moderated_by", to: moderatorID).set("moderated_at", to: now)
                .where("id", .equal, comment.id).run()
            try await recountComments(of: comment.report_id, on: db)
        }
    }

    private static func recountComments(of reportID: Int64, on db: any Database) async throws {
        try await db.sql.raw(
            """
            UPDATE reports SET comment_count = (SELECT COUNT(*) FROM report_comments
                WHERE report_id = \(bind: reportID) AND status = \(bind: CommentModeration.Status.visible.rawValue))
            WHERE id = \(bind: reportID)
            """
        ).run()
    }
}
