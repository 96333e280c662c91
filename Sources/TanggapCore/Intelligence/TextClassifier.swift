import Foundation

/// A multinomial naive Bayes model over text features (`IndonesianText.features`), learnt one document at a time from
/// an instance's own history: which category, which institution, reports like this one ended up with. It suggests;
/// it never decides. Every suggestion carries the words that weighed most for it, so a verifier sees why.
///
/// Scoring touches only the labels and the features a text shares with them: a label's smoothing term for the features
/// it has never seen is one multiplication, so a suggestion among thousands of institutions stays cheap.
public struct TextClassifier<Label: Hashable & Sendable & Codable>: Sendable, Codable {
    /// Add-α smoothing: small, because rare words are the telling ones in complaints.
    public var smoothing = 0.1

    private var documents: [Label: Int] = [:]
    private var totals: [Label: Int] = [:]
    private var postings: [String: [Label: Int]] = [:]
    private var documentCount = 0

    public init() {}

    public var labels: Set<Label> { Set(documents.keys) }
    /// How many documents were learnt with each label.
    public var documentsByLabel: [Label: Int] { documents }
    public var vocabularySize: Int { postings.count }
    public var learnt: Int { documentCount }

    /// Learns that a document with these features was given `label`.
    public mutating func learn(_ features: [String], as label: Label) {
        documents[label, default: 0] += 1
        documentCount += 1
        totals[label, default: 0] += features.count
        for feature in features { postings[feature, default: [:]][label, default: 0] += 1 }
    }

    /// Forgets features met in fewer than `minimum` documents' worth of counts: a stored model keeps what can tell
    /// labels apart, not every misspelling met once.
    public mutating func prune(below minimum: Int) {
        for (feature, byLabel) in postings where byLabel.values.reduce(0, +) < minimum {
            postings[feature] = nil
            for (label, count) in byLabel { totals[label, default: 0] -= count }
        }
    }

    public struct Suggestion: Sendable {
        public let label: Label
        /// The model's probability of this label among the ones it scored (they add up to one).
        public let confidence: Double
        /// The content words that weighed most for it, strongest first.
        public let evidence: [String]
    }

    /// The `limit` most likely labels for a text, best first; only labels in `allowed` when it is given (a report's
    /// suggestions stay among the institutions it may go to).
    public func suggest(_ features: [String], limit: Int, among allowed: Set<Label>? = nil) -> [Suggestion] {
        guard documentCount > 0, limit > 0 else { return [] }
        var counts: [String: Int] = [:]
        for feature in features { counts[feature, default: 0] += 1 }
        let known = counts.filter { postings[$0.key] != nil }
        let size = Double(max(1, postings.count))
        let length = Double(known.values.reduce(0, +))
        var scores: [Label: Double] = [:]
        for (label, seen) in documents where allowed?.contains(label) ?? true {
            let denominator = Double(totals[label] ?? 0) + smoothing * size
            scores[label] = log(Double(seen) / Double(documentCount)) + length * log(smoothing / denominator)
        }
        var weights: [Label: [(String, Double)]] = [:]
        for (feature, n) in known {
            for (label, count) in postings[feature]! where scores[label] != nil {
                let weight = Double(n) * (log(Double(count) + smoothing) - log(smoothing))
                scores[label]! += weight
                if feature.hasPrefix("w:") { weights[label, default: []].append((String(feature.dropFirst(2)), weight)) }
            }
        }
        let best = scores.sorted { $0.value > $1.value || ($0.value == $1.value && "\($0.key)" < "\($1.key)") }.prefix(limit)
        guard let top = best.first?.value else { return [] }
        let normaliser = scores.values.reduce(0) { $0 + exp($1 - top) }
        return best.map { label, score in
            let evidence = (weights[label] ?? []).sorted { $0.1 > $1.1 }.prefix(3).map(\.0)
            return Suggestion(label: label, confidence: exp(score - top) / normaliser, evidence: evidence)
        }
    }
}
