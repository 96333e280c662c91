/// What an instance has learnt from its own history about where reports go: the category a report's words belong
/// to, and the kind of body that ends up answering such a report ("a regency's Dinas Pekerjaan Umum", "Kementerian
/// Kesehatan"). Bodies are learnt by kind, not one by one, so what Bandung's office of works taught the model also
/// helps Bali's; the report's region then picks which office of that kind it means. It suggests; people decide.
public struct RoutingModel: Sendable, Codable {
    /// One past report as a lesson: its words, and what people made of it.
    public struct Lesson: Sendable {
        public let text: String
        public let categoryID: Int64?
        /// The body that held it once dispatched, as its kind (`BodyKey`).
        public let body: String?

        public init(text: String, categoryID: Int64?, body: String?) {
            self.text = text
            self.categoryID = categoryID
            self.body = body
        }
    }

    public private(set) var categories = TextClassifier<Int64>()
    public private(set) var bodies = TextClassifier<String>()
    /// How common each shingle is in the reports learnt, to weigh look-alikes by what is particular to them.
    public private(set) var rarity = NearDuplicates.Rarity()

    public init() {}

    /// How strongly the category speaks beside the words when a body is chosen: a report's category is one line of
    /// evidence among the dozens its words give, so it is counted a few times over.
    static let categoryWeight = 3

    public mutating func learn(_ lesson: Lesson) {
        let features = IndonesianText.features(of: lesson.text)
        if let category = lesson.categoryID { categories.learn(features, as: category) }
        if let body = lesson.body { bodies.learn(features + Self.categoryFeatures(lesson.categoryID), as: body) }
        rarity.count(NearDuplicates.shingles(of: lesson.text))
    }

    /// Drops what was met too rarely to tell anything apart, before the model is stored.
    public mutating func prune(below minimum: Int) {
        categories.prune(below: minimum)
        bodies.prune(below: minimum)
        rarity.prune(below: minimum + 1)
    }

    public var lessons: Int { max(categories.learnt, bodies.learnt) }

    /// The `limit` likeliest categories for a text.
    public func suggestCategories(for text: String, limit: Int = 3) -> [TextClassifier<Int64>.Suggestion] {
        suggestCategories(features: IndonesianText.features(of: text), limit: limit)
    }

    /// The same from the text's features (`IndonesianText.features`), read once for both suggestions.
    public func suggestCategories(features: [String], limit: Int = 3) -> [TextClassifier<Int64>.Suggestion] {
        categories.suggest(features, limit: limit)
    }

    /// A body a report may be sent to, as the ranking sees it.
    public struct Candidate: Sendable, Equatable {
        public let id: Int64
        /// Its kind (`BodyKey`), what the model learnt.
        public let key: String
        /// The region it serves: its own, or that of the government it belongs to; nil for a national body.
        public let regionID: Int64?

        public init(id: Int64, key: String, regionID: Int64?) {
            self.id = id
            self.key = key
            self.regionID = regionID
        }
    }

    /// Where a report comes from: its region and that region's province (the same when it names a province).
    public struct Place: Sendable {
        public let regionID: Int64
        public let provinceID: Int64

        public init(regionID: Int64, provinceID: Int64) {
            self.regionID = regionID
            self.provinceID = provinceID
        }
    }

    public struct BodySuggestion: Sendable {
        public let id: Int64
        public let confidence: Double
        public let evidence: [String]
        /// Whether it serves the report's own region (false for its province's or a national body).
        public let inRegion: Bool
    }

    /// The `limit` bodies likeliest to answer a report, among `candidates` only (the ones it may be sent to).
    ///
    /// Region first: only the bodies of the report's own region, its province and the national ones are ranked —
    /// a road in Kabupaten Bandung goes to Bandung's bodies, never Bali's. Among those, what the words and the
    /// category say of each body's kind decides, and a national or provincial body of the same kind is only as
    /// likely as the model says that level is. Without a region, every candidate is ranked.
    public func suggestBodies(
        for text: String, categoryID: Int64?, in place: Place?, among candidates: [Candidate], limit: Int = 5
    ) -> [BodySuggestion] {
        suggestBodies(features: IndonesianText.features(of: text), categoryID: categoryID, in: place, among: candidates, limit: limit)
    }

    /// The same from the text's features (`IndonesianText.features`), read once for both suggestions.
    public func suggestBodies(
        features: [String], categoryID: Int64?, in place: Place?, among candidates: [Candidate], limit: Int = 5
    ) -> [BodySuggestion] {
        let reachable = candidates.filter { candidate in
            guard let place, let region = candidate.regionID else { return true }
            return region == place.regionID || region == place.provinceID
        }
        guard !reachable.isEmpty, limit > 0 else { return [] }
        let features = features + Self.categoryFeatures(categoryID)
        let byKey = Dictionary(grouping: reachable, by: \.key)
        let ranked = bodies.suggest(features, limit: byKey.count, among: Set(byKey.keys))
        var suggestions: [BodySuggestion] = []
        var rank = 0
        for suggestion in ranked {
            // Several bodies of one kind within reach (two regions' offices when the report names none): the one
            // closest to the report first, and they share the kind's confidence.
            let ofKind = (byKey[suggestion.label] ?? []).sorted { closeness($0, place) < closeness($1, place) }
            for candidate in ofKind {
                suggestions.append(
                    BodySuggestion(
                        id: candidate.id, confidence: suggestion.confidence / Double(ofKind.count), evidence: suggestion.evidence,
                        inRegion: place != nil && candidate.regionID == place?.regionID))
                rank += 1
                if rank == limit { return suggestions }
            }
        }
        return suggestions
    }

    /// 0 for a body of the report's own region, 1 for its province's, 2 for a national one, 3 otherwise.
    private func closeness(_ candidate: Candidate, _ place: Place?) -> Int {
        guard let region = candidate.regionID else { return 2 }
        guard let place else { return 3 }
        return region == place.regionID ? 0 : region == place.provinceID ? 1 : 3
    }

    static func categoryFeatures(_ categoryID: Int64?) -> [String] {
        guard let categoryID else { return [] }
        return Array(repeating: "k:\(categoryID)", count: categoryWeight)
    }
}

/// The kind of a body, as the routing model learns it: its level and its own name, without the region's name, so
/// "Dinas Kesehatan" under Pemerintah Kabupaten Bandung and under Pemerintah Kota Denpasar are the same kind.
public enum BodyKey {
    public enum Level: String, Sendable {
        case national, province, local
    }

    /// `names` run from the body that gives the level (a ministry, a province, a regency or city) down to the body
    /// itself; a government alone is "pemerintah" at its level, a ministry keeps its whole name.
    public static func key(level: Level, names: [String]) -> String {
        let below = names.dropFirst().map { $0.lowercased() }
        switch level {
        case .national: return "national:" + names.map { $0.lowercased() }.joined(separator: " › ")
        case .province, .local: return level.rawValue + ":" + (below.isEmpty ? "pemerintah" : below.joined(separator: " › "))
        }
    }
}
