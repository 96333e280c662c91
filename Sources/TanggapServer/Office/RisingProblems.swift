import Foundation
import TanggapCore
import Vapor

/// The rising problems (`RisingIncidents`) as the weekly review and the dashboard show them: region and category by
/// name, and the numbers behind the rise in one sentence.
struct RisingProblem: Encodable {
    let region: String
    let category: String
    let incidents: Int
    let reporters: Int
    let before: String
    let rise: String
    let explanation: String

    static func lines(_ rises: [RisingIncidents.Rise], on req: Request) async throws -> [RisingProblem]? {
        guard !rises.isEmpty else { return nil }
        let regions = try await NameBook.names(in: "regions", Set(rises.compactMap(\.topic.regionID)), on: req.db)
        let categories = try await NameBook.names(in: "categories", Set(rises.compactMap(\.topic.categoryID)), on: req.db)
        return rises.map { rise in
            let before = DisplayFormat.decimal(rise.weeklyBefore, req)
            return RisingProblem(
                region: rise.topic.regionID.flatMap { regions[$0] } ?? req.text("rising.no_region"),
                category: rise.topic.categoryID.flatMap { categories[$0] }.map(PortalChoices.displayName) ?? req.text("rising.no_category"),
                incidents: rise.incidents, reporters: rise.reporters, before: before, rise: DisplayFormat.decimal(rise.score, req),
                explanation: req.text(
                    "rising.explained",
                    [
                        "incidents": String(rise.incidents), "reporters": String(rise.reporters), "before": before,
                        "weeks": String(RisingIncidents.weeksBefore),
                    ]))
        }
    }
}
