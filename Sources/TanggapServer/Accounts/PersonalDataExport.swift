import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor
import ZIPFoundation

/// A person's right to see and take away their data (UU 27/2022): one ZIP with everything Tanggap holds about them,
/// as JSON that any program can read, and the files of their reports. Their reports appear as their reporter may see
/// them (the same policy as every other surface, so no staff-only note or file is in it); other people's comments on
/// those reports appear without who wrote them.
enum PersonalDataExport {
    struct Account: Encodable {
        let id: Int64
        let name: String
        let email: String
        let phone: String?
        let createdAt: Date
        let lastSignInAt: Date?
        let roles: [AccountsController.Grant]
        let secondFactor: Bool
        let devices: [Device]
        let signIns: SignIns.Listing
    }

    struct Device: Decodable, Encodable {
        let label: String
        let firstSeenAt: Date
        let lastSeenAt: Date
    }

    struct ExportedReport: Encodable {
        let report: ReportRepresentation
        let history: [EventRepresentation]
        let comments: [ExportedComment]
        /// Where each file of the report is inside this archive.
        let files: [String]
    }

    /// A comment on one of the person's reports: theirs with their name, anyone else's without it.
    struct ExportedComment: Encodable {
        let mine: Bool
        let author: String?
        let body: String
        let createdAt: Date
    }

    struct OwnComment: Decodable, Encodable {
        let report: String
        let body: String
        let status: String
        let createdAt: Date
    }

    struct Support: Decodable, Encodable {
        let report: String
        let createdAt: Date
    }

    struct GivenRating: Encodable {
        let report: String
        let rating: TanggapCore.Rating
        let ratedAt: Date?
    }

    /// The archive's bytes. Built in memory: one person's reports and their files are bounded by the attachment
    /// limits, and nothing of it is ever written to disk.
    static func archive(for user: SignedInUser, on req: Request) async throws -> Data {
        let db = req.db
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let zip = try ZIPFoundation.Archive(accessMode: .create)
        func add(_ path: String, _ data: Data) throws {
            try zip.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: req.now, compressionMethod: .deflate
            ) { position, size in data.subdata(in: Int(position)..<Int(position) + size) }
        }

        try add("account.json", try encoder.encode(try await account(user, on: req)))
        var exported: [ExportedReport] = []
        var ratings: [GivenRating] = []
        let reports = try await ReportModel.query(on: db).filter(\.$reporterUserID == user.id).sort(\.$id).all()
        for report in reports {
            guard let access = try await ReportViewer.access(to: report, provedReporter: true, for: req) else { continue }
            let files = try await ReportQueries.attachments(of: report.id!, on: db)
            let representation = try await ReportResponses.representation(
                report, access: access, actor: nil, attachments: files, now: req.now, on: db)
            let events = try await ReportHistory.events(of: report.id!, on: db)
            let names = try await NameBook.load(reports: [report], events: events, on: db)
            let display = report.trackingID.display
            var paths: [String] = []
            for file in files where ReportPresenter.readable(file, by: access) {
                let path = "files/\(display)/\(file.publicID)-\(safeName(file.displayName))"
                try add(path, try await req.tanggap.attachments.load(file.storageKey))
                paths.append(path)
            }
            let comments = try await Participation.comments(of: report.id!, on: db).map {
                ExportedComment(
                    mine: $0.user_id == user.id, author: $0.user_id == user.id ? $0.author : nil, body: $0.body, createdAt: $0.created_at)
            }
            exported.append(
                ExportedReport(
                    report: representation,
                    history: ReportPresenter.events(events, of: report, access: access, names: names, attachments: files),
                    comments: comments, files: paths))
            if let rating = report.rating { ratings.append(GivenRating(report: display, rating: rating, ratedAt: report.ratedAt)) }
        }
        try add("reports.json", try encoder.encode(exported))
        try add("comments.json", try encoder.encode(try await ownComments(of: user.id, on: db)))
        try add("support.json", try encoder.encode(try await supports(of: user.id, on: db)))
        try add("ratings.json", try encoder.encode(ratings))
        try add("README.txt", Data(req.text("export.readme", ["date": DisplayFormat.dateTime(req.now, req)]).utf8))
        return zip.data ?? Data()
    }

    private static func account(_ user: SignedInUser, on req: Request) async throws -> Account {
        let db = req.db
        guard let row = try await UserModel.find(user.id, on: db) else { throw APIError.authenticationRequired }
        let devices = try await db.sql.select().columns("label", "first_seen_at", "last_seen_at").from("known_devices")
            .where("user_id", .equal, user.id).orderBy("id").all(decoding: Device.self, keyDecodingStrategy: .convertFromSnakeCase)
        return Account(
            id: user.id, name: row.name, email: row.email, phone: row.phone, createdAt: row.createdAt, lastSignInAt: row.lastLoginAt,
            roles: try await AccountsController.describe(user, on: db).roles, secondFactor: user.hasSecondFactor, devices: devices,
            signIns: try await SignIns.list(of: user.id, currentSession: nil, currentToken: nil, now: req.now, on: db))
    }

    private static func ownComments(of userID: Int64, on db: any Database) async throws -> [OwnComment] {
        try await db.sql.raw(
            """
            SELECT r.tracking_id AS report, c.body, c.status, c.created_at FROM report_comments c JOIN reports r ON r.id = c.report_id
            WHERE c.user_id = \(bind: userID) ORDER BY c.id
            """
        ).all(decoding: OwnComment.self, keyDecodingStrategy: .convertFromSnakeCase).map {
            OwnComment(
                report: TrackingID(parsing: $0.report)?.display ?? $0.report, body: $0.body, status: $0.status, createdAt: $0.createdAt)
        }
    }

    private static func supports(of userID: Int64, on db: any Database) async throws -> [Support] {
        try await db.sql.raw(
            """
            SELECT r.tracking_id AS report, s.created_at FROM report_supports s JOIN reports r ON r.id = s.report_id
            WHERE s.user_id = \(bind: userID) ORDER BY s.created_at
            """
        ).all(decoding: Support.self, keyDecodingStrategy: .convertFromSnakeCase).map {
            Support(report: TrackingID(parsing: $0.report)?.display ?? $0.report, createdAt: $0.createdAt)
        }
    }

    /// A file's name as a path inside the archive: no folders, no dots in front, nothing a unzip tool would follow.
    static func safeName(_ name: String) -> String {
        let kept = name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }
        let trimmed = String(kept).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return trimmed.isEmpty ? "file" : String(trimmed.prefix(100))
    }
}
