import Foundation

/// Reports that say the same thing: texts compared by their character shingles (five letters at a time over the
/// content words, so "jln ambrol" and "jalan ambruk" meet), weighted by how rare each shingle is in the instance's
/// reports. Which texts are compared at all is the caller's: the recent reports of one region, an index range, so a
/// search stays a few hundred comparisons however long the history. It suggests duplicates; people decide.
public enum NearDuplicates {
    /// Letters per shingle.
    public static let shingleLength = 5

    /// The shingles of a text, hashed: every run of `shingleLength` characters of its content words joined by spaces.
    public static func shingles(of text: String) -> Set<UInt64> {
        let letters = Array(IndonesianText.contentWords(in: text).joined(separator: " ").unicodeScalars)
        guard !letters.isEmpty else { return [] }
        guard letters.count > shingleLength else { return [hash(letters[...])] }
        var result = Set<UInt64>()
        for start in 0...(letters.count - shingleLength) { result.insert(hash(letters[start..<start + shingleLength])) }
        return result
    }

    /// |a ∩ b| / |a ∪ b|: 1 for the same shingles, 0 for none in common.
    public static func jaccard(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 0 }
        let shared = a.count < b.count ? a.filter(b.contains).count : b.filter(a.contains).count
        return Double(shared) / Double(a.count + b.count - shared)
    }

    /// How rare each shingle is in an instance's reports, so that comparing two reports weighs what is particular to
    /// them (a street, a village, "jembatan gantung") above what every complaint says ("mohon segera
    /// ditindaklanjuti", "sudah dilaporkan ke RT"): a shingle weighs log((N + 1) / (n + 1)) when n of N reports have
    /// it — the inverse document frequency.
    public struct Rarity: Sendable, Codable {
        public private(set) var documents = 0
        private var counts: [UInt64: Int] = [:]

        public init() {}

        public mutating func count(_ shingles: Set<UInt64>) {
            documents += 1
            for shingle in shingles { counts[shingle, default: 0] += 1 }
        }

        /// Forgets shingles met fewer than `minimum` times: they then weigh as rare as one never met, which is near
        /// enough, and a stored model keeps only the common ones.
        public mutating func prune(below minimum: Int) {
            counts = counts.filter { $0.value >= minimum }
        }

        public var remembered: Int { counts.count }

        public func weight(_ shingle: UInt64) -> Double {
            log(Double(documents + 1) / Double((counts[shingle] ?? 0) + 1))
        }
    }

    /// The weighted Jaccard similarity: the weight of the shingles both texts have over the weight of all they have.
    /// Without a history to weigh by, every shingle weighs the same (`jaccard`).
    public static func similarity(_ a: Set<UInt64>, _ b: Set<UInt64>, rarity: Rarity?) -> Double {
        guard let rarity, rarity.documents > 0 else { return jaccard(a, b) }
        let (small, large) = a.count < b.count ? (a, b) : (b, a)
        var shared = 0.0, all = 0.0
        for shingle in small {
            let weight = rarity.weight(shingle)
            all += weight
            if large.contains(shingle) { shared += weight }
        }
        for shingle in large where !small.contains(shingle) { all += rarity.weight(shingle) }
        return all > 0 ? shared / all : 0
    }

    /// FNV-1a over the scalars: stable across runs and machines (Swift's own `Hasher` is seeded per process).
    static func hash(_ scalars: ArraySlice<Unicode.Scalar>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for scalar in scalars {
            hash ^= UInt64(scalar.value)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
