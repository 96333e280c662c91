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
        let digest = Self.digest(text)
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

    /// FNV-1a over the text's bytes: tells a kept fingerprint from a stale one at a fraction of reading it again.
    private static func digest(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
