import Synchronization
import TanggapCore

/// The fingerprints of the texts searched lately, weighed by one model's rarity. Every look-alike search compares a
/// region's last ninety days — up to 500 texts, the same ones for every report of that region — and reading a text
/// into its shingles costs far more than comparing two; so each is read once and kept (by report, checked against
/// the text, which a redaction may have changed). A new model brings a new, empty store: its weights differ.
final class Fingerprints: Sendable {
    let weights: NearDuplicates.Weights
    /// About 40 MB at most: the windows of some thirty regions. When full it starts again, which keeps what is
    /// searched now and costs one re-reading of it.
    static let capacity = 12_000

    private struct Kept {
        let text: UInt64
        let fingerprint: NearDuplicates.Fingerprint
    }

    private let kept = Mutex([Int64: Kept]())

    init(weights: NearDuplicates.Weights) { self.weights = weights }

    /// The fingerprint of report `id`'s text; nil `id` for a text that is not a report yet.
    func of(_ text: String, report id: Int64?) -> NearDuplicates.Fingerprint {
        guard let id else { return NearDuplicates.Fingerprint(of: text, weights: weights) }
        let digest = FNV1a.of(text)
        if let known = kept.withLock({ $0[id] }), known.text == digest { return known.fingerprint }
        let fingerprint = NearDuplicates.Fingerprint(of: text, weights: weights)
        kept.withLock { kept in
            if kept.count >= Self.capacity { kept.removeAll(keepingCapacity: true) }
            kept[id] = Kept(text: digest, fingerprint: fingerprint)
        }
        return fingerprint
    }

    /// Before a first model: plain shingle Jaccard.
    static let unweighed = Fingerprints(weights: .uniform)

    var count: Int { kept.withLock { $0.count } }
}
