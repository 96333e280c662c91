import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// The record of openings of sealed identities (`IdentityReveal`): written once, read by the policy (who may see the
/// identity now), by the reporter (that it was opened, when, by which role), by admins and by the weekly review.
enum IdentityReveals {
    /// What the reporter is told of one opening: when, and under which role; never the person's name.
    struct Opening: Content, Equatable {
        let at: Date
        let role: Role

        /// "4 Des 2026 10.00 · Pengawas", as the report's pages list it.
        func line(on req: Request) -> String { "\(DisplayFormat.dateTime(at, req)) · \(req.label(role))" }
    }

    /// One opening as admins read it.
    struct Entry: Decodable, Sendable {
        let at: Date
        let person: String
        let role: Role
        let trackingID: TrackingID
        let institution: String
        let reason: String

        enum CodingKeys: String, CodingKey {
            case at, person, role, trackingID = "tracking_id", institution, reason
        }
    }

    static func record(
        report: ReportModel, by user: SignedInUser, as role: Role, reason: String, now: Date, on db: any Database
    ) async throws {
        try await db.sql.insert(into: "identity_reveals").columns("report_id", "user_id", "role", "institution_id", "at", "reason")
            .values(
                SQLBind(report.id!), SQLBind(user.id), SQLBind(role.rawValue), SQLBind(report.holderID), SQLBind(now),
                SQLBind(reason)
            ).run()
    }

    /// The people for whom the identity is open at `now`.
    static func openTo(reportID: Int64, now: Date, on db: any Database) async throws -> Set<Int64> {
        let since = now.addingTimeInterval(-IdentityReveal.lasts)
        let users = try await db.sql.raw(
            """
            SELECT user_id FROM identity_reveals WHERE report_id = \(bind: reportID) AND at > \(bind: since) AND at <= \(bind: now)
            """
        ).all(decodingColumn: "user_id", as: Int64.self)
        return Set(users)
    }

    /// When the identity was opened by this person, if it is open to them now.
    static func openedAt(reportID: Int64, by userID: Int64, now: Date, on db: any Database) async throws -> Date? {
        let since = now.addingTimeInterval(-IdentityReveal.lasts)
        return try await db.sql.raw(
            """
            SELECT MAX(at) AS at FROM identity_reveals
            WHERE report_id = \(bind: reportID) AND user_id = \(bind: userID) AND at > \(bind: since) AND at <= \(bind: now)
            """
        ).first(decodingColumn: "at", as: Date?.self) ?? nil
    }

    static func openings(of reportID: Int64, on db: any Database) async throws -> [Opening] {
        try await db.sql.raw(
            "SELECT at, role FROM identity_reveals WHERE report_id = \(bind: reportID) ORDER BY at, id"
        ).all(decoding: Opening.self)
    }

    /// The newest openings of reports held within `path` when they were opened.
    static func recent(under path: InstitutionPath, limit: Int = 50, on db: any Database) async throws -> [Entry] {
        try await db.sql.raw(
            """
            SELECT v.at, u.name AS person, v.role, r.tracking_id, i.name AS institution, v.reason
            FROM identity_reveals v JOIN users u ON u.id = v.user_id JOIN reports r ON r.id = v.report_id
            JOIN institutions i ON i.id = v.institution_id
            WHERE i.path LIKE \(bind: path.encoded + "%") ORDER BY v.id DESC LIMIT \(bind: limit)
            """
        ).all(decoding: Entry.self)
    }

    /// How many openings there were within `path` in [from, to).
    static func count(under path: InstitutionPath, from: Date, to: Date, on db: any Database) async throws -> Int {
        try await db.sql.raw(
            """
            SELECT COUNT(*) AS n FROM identity_reveals v JOIN institutions i ON i.id = v.institution_id
            WHERE i.path LIKE \(bind: path.encoded + "%") AND v.at >= \(bind: from) AND v.at < \(bind: to)
            """
        ).first(decodingColumn: "n", as: Int.self) ?? 0
    }
}
