import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// What verifiers did with the suggestions: for each category or institution chosen while suggestions were shown,
/// the one suggested first, the one chosen, and where the chosen one stood among them (nil: none of them). The
/// share taken is how an instance sees whether its model helps.
enum SuggestionFeedback {
    enum Kind: String, Codable, Sendable {
        case category, institution
    }

    /// The feedback a client sends: which kind, the ids it showed in order, and the one chosen.
    struct Posted: Content {
        let kind: String?
        let suggested: [Int64]?
        let chosenID: Int64?
        enum CodingKeys: String, CodingKey { case kind, suggested, chosenID = "chosen_id" }
    }

    /// The most suggestions one piece of feedback may name (five institutions are shown; room to spare).
    static let mostSuggested = 10

    /// Checks posted feedback: a known kind, a chosen id that exists, a short list of suggestions.
    static func checked(_ posted: Posted, on db: any Database) async throws -> (Kind, [Int64], Int64) {
        var check = FieldChecker()
        let kind = posted.kind.flatMap(Kind.init(rawValue:))
        if posted.kind == nil { check.add("kind", .required) } else if kind == nil { check.add("kind", .invalid) }
        let suggested = posted.suggested ?? []
        if suggested.count > mostSuggested { check.add("suggested", .tooMany, limit: mostSuggested) }
        if let chosen = posted.chosenID, let kind {
            let table = kind == .category ? "categories" : "institutions"
            if try await NameBook.names(in: table, [chosen], on: db).isEmpty { check.add("chosen_id", .unknown) }
        } else if posted.chosenID == nil {
            check.add("chosen_id", .required)
        }
        try check.finish()
        return (kind!, suggested, posted.chosenID!)
    }

    static func record(
        _ kind: Kind, reportID: Int64, suggested: [Int64], chosen: Int64, userID: Int64?, now: Date, on db: any Database
    ) async throws {
        let rank = suggested.firstIndex(of: chosen).map { $0 + 1 }
        try await db.sql.insert(into: "suggestion_feedback")
            .columns("report_id", "kind", "suggested_id", "chosen_id", "rank", "user_id", "at")
            .values(
                SQLBind(reportID), SQLBind(kind.rawValue), SQLBind(suggested.first), SQLBind(chosen), SQLBind(rank), SQLBind(userID),
                SQLBind(now)
            ).run()
    }

    /// A form's list of the ids it showed ("12,40,7"), as sent back with an action taken in the workspace.
    static func shown(_ field: String?) -> [Int64] {
        (field ?? "").split(separator: ",").prefix(mostSuggested).compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
    }
}
