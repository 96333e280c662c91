import Fluent
import Foundation
import TanggapCore
import Vapor

/// What the model suggests for one report, for the staff who hold it: three categories, five institutions among the
/// ones it may be sent to (its holder and the bodies below), and the recent cases of its region that look like it —
/// each with a confidence and one line saying why ("kata: jembatan, ambruk; wilayah: Kabupaten Bandung"). Nothing is
/// applied: a verifier picks one with a click, or does something else.
struct ReportSuggestions: Content {
    struct Model: Content {
        let trainedAt: Date
        let lessons: Int
        enum CodingKeys: String, CodingKey { case trainedAt = "trained_at", lessons }
    }

    struct Category: Content {
        let categoryID: Int64
        let name: String
        let confidence: Double
        let explanation: String
        enum CodingKeys: String, CodingKey { case categoryID = "category_id", name, confidence, explanation }
    }

    struct Institution: Content {
        let institutionID: Int64
        let name: String
        let confidence: Double
        let inRegion: Bool
        let explanation: String
        enum CodingKeys: String, CodingKey {
            case institutionID = "institution_id", name, confidence, inRegion = "in_region", explanation
        }
    }

    struct Duplicate: Content {
        let trackingID: String
        let title: String
        let similarity: Double
        let createdAt: Date
        let supportCount: Int
        enum CodingKeys: String, CodingKey {
            case trackingID = "tracking_id", title, similarity, createdAt = "created_at", supportCount = "support_count"
        }
    }

    /// Nil until the worker has learnt a first model from the instance's history.
    let model: Model?
    let categories: [Category]
    let institutions: [Institution]
    let duplicates: [Duplicate]

    enum CodingKeys: String, CodingKey { case model, categories, institutions, duplicates }

    /// `model` is written as null when there is none, not left out: a client tells "no model yet" from a mistake.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encode(categories, forKey: .categories)
        try container.encode(institutions, forKey: .institutions)
        try container.encode(duplicates, forKey: .duplicates)
    }

    /// The suggestions for a report the request's staff member may work on.
    static func build(for report: ReportModel, on req: Request) async throws -> ReportSuggestions {
        let loaded = try await req.tanggap.routing.current(now: req.now, on: req.db)
        let text = IndonesianText.ofReport(title: report.title, body: report.body)
        var categories: [Category] = []
        var institutions: [Institution] = []
        if let loaded {
            let features = IndonesianText.features(of: text)
            let suggested = loaded.model.suggestCategories(features: features)
            let categoryNames = try await NameBook.names(
                in: "categories", Set(suggested.map(\.label) + [report.categoryID].compactMap { $0 }), on: req.db)
            categories = suggested.map {
                Category(
                    categoryID: $0.label, name: PortalChoices.displayName(categoryNames[$0.label] ?? ""),
                    confidence: rounded($0.confidence),
                    explanation: explanation(words: $0.evidence, on: req))
            }
            let place = loaded.bodies.place(of: report.regionID)
            let bodies = loaded.model.suggestBodies(
                features: features, categoryID: report.categoryID, in: place, among: loaded.bodies.candidates(under: report.snapshot.holder)
            )
            let regionName = report.regionID.flatMap { loaded.bodies.regionNames[$0] }
            let provinceName = place.flatMap { loaded.bodies.regionNames[$0.provinceID] }
            let categoryName = report.categoryID.flatMap { categoryNames[$0] }.map(PortalChoices.displayName)
            institutions = try await namedPaths(bodies.map(\.id), on: req.db).compactMap { id, name in
                guard let body = bodies.first(where: { $0.id == id }), let candidate = loaded.bodies.bodies[id]?.candidate else {
                    return nil
                }
                let whereFrom =
                    body.inRegion
                    ? regionName.map { req.text("suggestion.region", ["name": $0]) }
                    : candidate.regionID == nil
                        ? req.text("suggestion.national") : provinceName.map { req.text("suggestion.province", ["name": $0]) }
                return Institution(
                    institutionID: id, name: name, confidence: rounded(body.confidence), inRegion: body.inRegion,
                    explanation: explanation(
                        words: body.evidence, place: whereFrom,
                        category: categoryName.map { req.text("suggestion.category", ["name": $0]) },
                        on: req))
            }
        }
        var duplicates: [Duplicate] = []
        for match in try await LookAlikes.cases(like: report, fingerprints: loaded?.fingerprints ?? .unweighed, on: req.db) {
            // Only cases this person may read themselves.
            guard let other = try await ReportModel.find(match.id, on: req.db),
                try await ReportViewer.access(to: other, provedReporter: false, for: req)?.level == .staff
            else { continue }
            duplicates.append(
                Duplicate(
                    trackingID: match.trackingID.display, title: match.title, similarity: rounded(match.similarity),
                    createdAt: match.createdAt, supportCount: match.supportCount))
        }
        return ReportSuggestions(
            model: loaded.map { Model(trainedAt: $0.trainedAt, lessons: $0.lessons) }, categories: categories, institutions: institutions,
            duplicates: duplicates)
    }

    /// The bodies in the order given, each named with the body above it when it is a unit ("Dinas Kesehatan ·
    /// Pemerintah Kabupaten Bandung"), since a bare office name is the same in every region.
    private static func namedPaths(_ ids: [Int64], on db: any Database) async throws -> [(Int64, String)] {
        let models = try await InstitutionModel.query(on: db).filter(\.$id ~~ ids).all()
        let parents = try await InstitutionDirectory.names(Set(models.compactMap(\.parentID)), on: db)
        let byID = Dictionary(uniqueKeysWithValues: models.map { ($0.id!, $0) })
        return ids.compactMap { id in
            guard let model = byID[id] else { return nil }
            let unit = model.kind == InstitutionKind.unit.rawValue || model.kind == InstitutionKind.subunit.rawValue
            return (
                id, unit ? [model.name, model.parentID.flatMap { parents[$0] }].compactMap { $0 }.joined(separator: " · ") : model.name
            )
        }
    }

    /// "kata: jembatan, ambruk; wilayah: Kabupaten Bandung; kategori: Pekerjaan Umum".
    private static func explanation(words: [String], place: String? = nil, category: String? = nil, on req: Request) -> String {
        [words.isEmpty ? nil : req.text("suggestion.words", ["words": words.joined(separator: ", ")]), place, category]
            .compactMap { $0 }.joined(separator: "; ")
    }

    private static func rounded(_ value: Double) -> Double { (value * 1_000).rounded() / 1_000 }
}
