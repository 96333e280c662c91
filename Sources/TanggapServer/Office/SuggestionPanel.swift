import Fluent
import Foundation
import TanggapCore
import Vapor

/// The workspace's suggestions, as the page shows them: each with its confidence and why, and a button that applies
/// it through the same action forms a verifier would fill in by hand (a category through a correction, an institution
/// through a dispatch, a look-alike through a merge). Offered only where the viewer may take that action.
struct SuggestionPanel: Encodable {
    struct Line: Encodable {
        let id: String
        let name: String
        let confidence: String
        let explanation: String
        /// Already the report's own (its category): shown, with nothing to apply.
        var current = false
    }

    struct LookAlike: Encodable {
        let trackingID: String
        let title: String
        let similarity: String
    }

    let categories: [Line]?
    let institutions: [Line]?
    let duplicates: [LookAlike]?
    /// The ids shown, in order, sent back with the action so that the choice is recorded against them.
    let shownCategories: String
    let shownInstitutions: String
    let noModel: Bool

    /// Nil when the viewer may take none of the actions the suggestions lead to.
    static func build(for report: ReportModel, offers: ActionOffers, on req: Request) async throws -> SuggestionPanel? {
        guard offers.contains(.correct) || offers.contains(.dispatch) || offers.contains(.archive) else { return nil }
        let suggestions = try await ReportSuggestions.build(for: report, on: req)
        let categories = offers.contains(.correct) ? suggestions.categories : []
        let institutions = offers.contains(.dispatch) ? suggestions.institutions.filter { $0.institutionID != report.holderID } : []
        return SuggestionPanel(
            categories: categories.map {
                Line(
                    id: String($0.categoryID), name: $0.name, confidence: DisplayFormat.percent($0.confidence * 100),
                    explanation: $0.explanation)
            }.nilIfEmpty,
            institutions: institutions.map {
                Line(id: String($0.institutionID), name: $0.name, confidence: share($0.confidence), explanation: $0.explanation)
            }.nilIfEmpty,
            duplicates: offers.contains(.archive)
                ? suggestions.duplicates.map {
                    LookAlike(
                        trackingID: $0.trackingID, title: $0.title,
                        similarity: req.text("suggestion.similar", ["similarity": DisplayFormat.percent($0.similarity * 100)]))
                }.nilIfEmpty : nil,
            shownCategories: categories.map { String($0.categoryID) }.joined(separator: ","),
            shownInstitutions: institutions.map { String($0.institutionID) }.joined(separator: ","),
            noModel: suggestions.model == nil)
    }

    /// "87%", and "< 1%" rather than a confident-looking 0%.
    static func share(_ confidence: Double) -> String {
        confidence < 0.005 ? "< 1%" : DisplayFormat.percent(confidence * 100)
    }

    /// Records what was chosen against what was shown, with the action, when the form sent the list it showed.
    static func recordChoice(
        _ kind: EventKind, _ input: FormFields, reportID: Int64, userID: Int64, now: Date, on db: any Database
    ) async throws {
        guard let shown = input["suggested"] else { return }
        let suggested = SuggestionFeedback.shown(shown)
        switch kind {
        case .dispatch:
            guard let chosen = input["institution_id"].flatMap({ Int64($0) }) else { return }
            try await SuggestionFeedback.record(
                .institution, reportID: reportID, suggested: suggested, chosen: chosen, userID: userID, now: now, on: db)
        case .correct:
            guard let chosen = input["category_id"].flatMap({ Int64($0) }) else { return }
            try await SuggestionFeedback.record(
                .category, reportID: reportID, suggested: suggested, chosen: chosen, userID: userID, now: now, on: db)
        default:
            return
        }
    }
}
