import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// A person's right to erasure (UU 27/2022): their name, e-mail and phone go from every table, in one transaction.
/// Their reports stay as anonymous records, history intact and marked "the reporter deleted their account", because
/// the institutions' answers and the public figures are accountable for them; their comments and support stay too,
/// under an account row that no longer says who it was. Staff accounts are not erased this way: what an official did
/// is part of the public record, and their admin deactivates them instead.
enum AccountErasure {
    /// What the emptied account row holds instead of a person.
    static let erasedName = "—"
    static func erasedEmail(_ userID: Int64) -> String { "erased-\(userID)@erased.invalid" }

    static let staffAccount = APIError(status: .conflict, code: "staff_account_not_erasable")

    /// Erases the account after checking its password (a session left open must not be enough).
    static func erase(_ userID: Int64, password: String?, now: Date, on db: any Database) async throws {
        guard let user = try await UserModel.find(userID, on: db), user.isActive else { throw APIError.authenticationRequired }
        try await AccountService.confirmPassword(password, of: user, field: "password", now: now, on: db)
        guard AdministrationPolicy.mayEraseOwnAccount(try await AccountService.grants(of: userID, on: db)) else { throw staffAccount }
        let identifiers = [user.email] + (user.phone.map { [$0] } ?? [])
        // The person's reports, and any filed without the account from the person's own address or number.
        let theirs: SQLQueryString = """
            (reporter_user_id = \(bind: userID) OR reporter_email IN (\(binds: identifiers)) OR reporter_phone IN (\(binds: identifiers))
            OR reply_address IN (\(binds: identifiers)))
            """
        try await db.writeTransaction { db in
            let erased = try await eraseContacts(ofReportsWhere: theirs, also: identifiers, on: db)
            try await markErased(erased, except: nil, now: now, on: db)
            for table in ["web_sessions", "api_tokens", "known_devices", "second_factors", "recovery_codes", "password_resets"] {
                try await db.sql.delete(from: table).where("user_id", .equal, userID).run()
            }
            try await db.sql.update("users")
                .set("name", to: SQLBind(erasedName)).set("email", to: SQLBind(erasedEmail(userID))).set("phone", to: SQLLiteral.null)
                .set("password_hash", to: SQLBind("!")).set("is_active", to: SQLBind(false)).set("last_login_at", to: SQLLiteral.null)
                .set("failed_sign_ins", to: SQLBind(0)).set("locked_until", to: SQLLiteral.null).set("erased_at", to: SQLBind(now))
                .where("id", .equal, userID).run()
        }
    }

    /// What a peer's `report.reporter_erased` does here: the reporter of a case handed in erased their account at
    /// the origin, so this instance forgets their name as well, and tells the instances it handed the case on to.
    static func forgetReporter(ofReports reportIDs: [Int64], except sourcePeer: Int64, now: Date, on db: any Database) async throws {
        let erased = try await eraseContacts(ofReportsWhere: SQLBinaryExpression(SQLColumn("id"), .in, SQLBind.group(reportIDs)), on: db)
        try await markErased(erased, except: sourcePeer, now: now, on: db)
    }

    /// The reports say their reporter erased the account (their pages show it), and the erasure follows each case
    /// wherever it was handed with the reporter's name.
    private static func markErased(_ reportIDs: [Int64], except sourcePeer: Int64?, now: Date, on db: any Database) async throws {
        for batch in reportIDs.chunked(500) {
            try await db.sql.update("reports").set("reporter_user_id", to: SQLLiteral.null).set("reporter_erased_at", to: SQLBind(now))
                .where("id", .in, SQLBind.group(Array(batch))).run()
        }
        try await FederationRelay.reporterErased(reportIDs, except: sourcePeer, now: now, on: db)
    }

    /// A report that still holds something of who filed it (for `Retention`, which must not count a report twice).
    static let stillIdentified = SQLRaw(
        "(reporter_name IS NOT NULL OR reporter_email IS NOT NULL OR reporter_phone IS NOT NULL OR reply_address IS NOT NULL)")

    /// Empties the reporter's name and contacts on the reports that `condition` picks, and every trace of those
    /// contacts (or of `identifiers`) in the messages received from them and sent to them; at most `limit` reports.
    /// Shared with `Retention`. Answers the reports it emptied.
    @discardableResult
    static func eraseContacts(
        ofReportsWhere condition: any SQLExpression, also identifiers: [String] = [], limit: Int? = nil, on db: any Database
    ) async throws -> [Int64] {
        struct Picked: Decodable {
            let id: Int64
            let reporter_email: String?
            let reporter_phone: String?
            let reply_address: String?
        }
        let picked = try await db.sql.select().columns("id", "reporter_email", "reporter_phone", "reply_address").from("reports")
            .where(condition).orderBy("id").limit(limit).all(decoding: Picked.self)
        let ids = picked.map(\.id)
        let addresses = Array(
            Set(identifiers + picked.flatMap { [$0.reporter_email, $0.reporter_phone, $0.reply_address].compactMap { $0 } }))
        for batch in ids.chunked(500) {
            try await db.sql.update("reports").set("reporter_name", to: SQLLiteral.null).set("reporter_email", to: SQLLiteral.null)
                .set("reporter_phone", to: SQLLiteral.null).set("reply_address", to: SQLLiteral.null)
                .where("id", .in, SQLBind.group(Array(batch))).run()
            try await db.sql.update("channel_messages").set("sender", to: SQLBind("")).where("report_id", .in, SQLBind.group(Array(batch)))
                .run()
            // What was sent to the reporter greets them and is addressed to them: only the fact of the message stays.
            try await db.sql.update("deliveries").set("address", to: SQLBind("")).set("subject", to: SQLLiteral.null)
                .set("body", to: SQLBind("")).where("report_id", .in, SQLBind.group(Array(batch))).run()
        }
        for batch in addresses.chunked(500) where !batch.isEmpty {
            try await db.sql.update("channel_messages").set("sender", to: SQLBind("")).where("sender", .in, SQLBind.group(Array(batch)))
                .run()
            try await db.sql.update("deliveries").set("address", to: SQLBind("")).set("subject", to: SQLLiteral.null)
                .set("body", to: SQLBind("")).where("address", .in, SQLBind.group(Array(batch))).run()
        }
        return ids
    }
}

extension Array {
    /// The array in pieces of at most `size`, for statements with a bounded number of parameters.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
