import Foundation

/// Reports that say the same thing: texts compared by their character shingles (five letters at a time over the
/// words that are not stop-words, so "jln ambrol" and "jalan ambruk" meet), weighted by how rare each shingle is in
/// the instance's reports. Numbers stay ("RT 03/RW 05", "No. 17"), and two texts that say they are at different
/// places weigh half as alike (`Whereabouts`). Which texts are compared at all is the caller's: the recent reports of
/// one region, an index range, so a search stays a few hundred comparisons however long the history. It suggests
/// duplicates; people decide.
public enum NearDuplicates {
    /// Letters per shingle.
    public static let shingleLength = 5

    /// The shingles of a text, hashed: every run of `shingleLength` characters of its words joined by spaces.
    public static func shingles(of text: String) -> Set<UInt64> {
        Set(sortedShingles(of: comparedWords(IndonesianText.words(in: text))))
    }

    /// The words compared: every word but the stop-words, a number without its leading zeros ("03" and "3" are the
    /// same RT).
    static func comparedWords(_ words: [String]) -> [String] {
        words.compactMap { word -> String? in
            guard !IndonesianText.stopWords.contains(word) else { return nil }
            return word.unicodeScalars.allSatisfy(IndonesianText.isDigit) ? Int(word).map(String.init) ?? word : word
        }
    }

    /// The shingles in increasing order, each once: what a `Fingerprint` is made of, with no hashing set.
    static func sortedShingles(of words: [String]) -> [UInt64] {
        let letters = Array(words.joined(separator: " ").unicodeScalars)
        guard !letters.isEmpty else { return [] }
        guard letters.count > shingleLength else { return [hash(letters[...])] }
        var result: [UInt64] = []
        result.reserveCapacity(letters.count - shingleLength + 1)
        for start in 0...(letters.count - shingleLength) { result.append(hash(letters[start..<start + shingleLength])) }
        result.sort()
        var unique = 0
        for shingle in result where unique == 0 || result[unique - 1] != shingle {
            result[unique] = shingle
            unique += 1
        }
        result.removeLast(result.count - unique)
        return result
    }

    /// What the similarity of two texts that say they are at different places (`Whereabouts.differs`) is
    /// multiplied by: halved rather than cancelled, since a reporter may misremember a number or a name.
    public static let elsewhereFactor = 0.5

    /// |a ∩ b| / |a ∪ b|: 1 for the same shingles, 0 for none in common.
    public static func jaccard(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
        similarity(
            Fingerprint(a.sorted(), whereabouts: Whereabouts(), weights: .uniform),
            Fingerprint(b.sorted(), whereabouts: Whereabouts(), weights: .uniform))
    }

    /// How rare each shingle is in an instance's reports, so that comparing two reports weighs what is particular to
    /// them (a street, a village, "jembatan gantung") above what every complaint says ("mohon segera
    /// ditindaklanjuti", "sudah dilaporkan ke RT"): a shingle weighs log((N + 1) / (n + 1)) when n of N reports have
    /// it — the inverse document frequency. Counted while learning and stored; `weights` is what a search reads.
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

        /// Each shingle's weight, worked out once (a search weighs thousands of shingles).
        public var weights: Weights {
            guard documents > 0 else { return .uniform }
            let all = log(Double(documents + 1))
            return Weights(unseen: all, known: counts.mapValues { all - log(Double($0 + 1)) })
        }
    }

    /// What each shingle weighs in a comparison.
    public struct Weights: Sendable {
        let unseen: Double
        let known: [UInt64: Double]

        /// Without a history to weigh by, every shingle weighs the same: the plain Jaccard similarity.
        public static let uniform = Weights(unseen: 1, known: [:])

        public func of(_ shingle: UInt64) -> Double { known[shingle] ?? unseen }
    }

    /// A text ready to be compared with many: its shingles in increasing order, each with its weight, and their sum.
    /// A search makes one per text and compares by walking two sorted lists, with no hashing per comparison.
    public struct Fingerprint: Sendable {
        let shingles: [UInt64]
        let weights: [Double]
        let total: Double
        /// Where the text says it happened.
        let whereabouts: Whereabouts

        public init(of text: String, weights: Weights) {
            let words = IndonesianText.words(in: text)
            self.init(sortedShingles(of: comparedWords(words)), whereabouts: Whereabouts(words: words), weights: weights)
        }

        init(_ sorted: [UInt64], whereabouts: Whereabouts, weights: Weights) {
            self.whereabouts = whereabouts
            shingles = sorted
            self.weights = sorted.map(weights.of)
            total = self.weights.reduce(0, +)
        }

        public var isEmpty: Bool { shingles.isEmpty }
    }

    /// The weighted Jaccard similarity: the weight of the shingles both texts have over the weight of all they have.
    public static func similarity(_ a: Fingerprint, _ b: Fingerprint) -> Double {
        var i = 0, j = 0
        var shared = 0.0
        while i < a.shingles.count && j < b.shingles.count {
            let left = a.shingles[i], right = b.shingles[j]
            if left == right {
                shared += a.weights[i]
                i += 1
                j += 1
            } else if left < right {
                i += 1
            } else {
                j += 1
            }
        }
        let all = a.total + b.total - shared
        guard all > 0 else { return 0 }
        return shared / all * (a.whereabouts.differs(from: b.whereabouts) ? elsewhereFactor : 1)
    }

    /// `similarity` of two shingle sets weighed by an instance's rarity (plain Jaccard without one), places aside.
    public static func similarity(_ a: Set<UInt64>, _ b: Set<UInt64>, rarity: Rarity?) -> Double {
        let weights = rarity?.weights ?? .uniform
        return similarity(
            Fingerprint(a.sorted(), whereabouts: Whereabouts(), weights: weights),
            Fingerprint(b.sorted(), whereabouts: Whereabouts(), weights: weights))
    }

    /// FNV-1a over the scalars: stable across runs and machines, so a stored model's rarity fits every process.
    static func hash(_ scalars: ArraySlice<Unicode.Scalar>) -> UInt64 {
        var hash = FNV1a()
        for scalar in scalars { hash.add(UInt64(scalar.value)) }
        return hash.value
    }
}
