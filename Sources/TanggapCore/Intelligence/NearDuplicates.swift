/// Reports that say the same thing: texts compared by their character shingles (five letters at a time over the
/// content words, so "jln ambrol" and "jalan ambruk" meet), estimated quickly with MinHash and found among many with
/// locality-sensitive hashing (bands of the signature as bucket keys), then confirmed by the exact Jaccard
/// similarity. It suggests duplicates; people decide.
public enum NearDuplicates {
    /// Letters per shingle.
    public static let shingleLength = 5
    /// Hashes per signature: `bands` × `rows`. Sixteen bands of four find pairs from a Jaccard of about 0.5 up.
    public static let bands = 16
    public static let rows = 4
    public static var signatureLength: Int { bands * rows }

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

    /// The MinHash signature: for each of `signatureLength` hash functions, the least hash of any shingle. Two
    /// signatures agree at a position with probability equal to the texts' Jaccard similarity.
    public static func signature(of shingles: Set<UInt64>) -> [UInt64] {
        var signature = [UInt64](repeating: .max, count: signatureLength)
        for shingle in shingles {
            for index in 0..<signatureLength {
                let value = mix(shingle ^ seeds[index])
                if value < signature[index] { signature[index] = value }
            }
        }
        return signature
    }

    /// The bucket keys of a signature, one per band: texts that share any of them are candidates.
    public static func bandKeys(of signature: [UInt64]) -> [UInt64] {
        (0..<bands).map { band in
            var key = UInt64(band) &* 0x9E37_79B9_7F4A_7C15
            for row in 0..<rows { key = mix(key ^ signature[band * rows + row]) }
            return key
        }
    }

    /// An index of texts by their band keys, for finding the candidates of a new one among many.
    public struct Index<ID: Hashable & Sendable>: Sendable {
        private var buckets: [UInt64: [ID]] = [:]
        private var shinglesByID: [ID: Set<UInt64>] = [:]

        public init() {}

        public var count: Int { shinglesByID.count }

        public mutating func add(_ id: ID, text: String) {
            let shingles = NearDuplicates.shingles(of: text)
            guard !shingles.isEmpty else { return }
            shinglesByID[id] = shingles
            for key in NearDuplicates.bandKeys(of: NearDuplicates.signature(of: shingles)) { buckets[key, default: []].append(id) }
        }

        /// The indexed texts at least `threshold` alike to `text` (exact Jaccard), most alike first.
        public func similar(to text: String, threshold: Double = 0.5, limit: Int = 5) -> [(id: ID, similarity: Double)] {
            let shingles = NearDuplicates.shingles(of: text)
            guard !shingles.isEmpty else { return [] }
            var seen = Set<ID>()
            var found: [(id: ID, similarity: Double)] = []
            for key in NearDuplicates.bandKeys(of: NearDuplicates.signature(of: shingles)) {
                for id in buckets[key] ?? [] where seen.insert(id).inserted {
                    let similarity = NearDuplicates.jaccard(shingles, shinglesByID[id] ?? [])
                    if similarity >= threshold { found.append((id, similarity)) }
                }
            }
            return Array(found.sorted { $0.similarity > $1.similarity }.prefix(limit))
        }
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

    /// A 64-bit finaliser (SplitMix64's): every input bit moves every output bit.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One seed per hash function, fixed, so signatures made today match those made next year.
    static let seeds: [UInt64] = (0..<64).map { mix(UInt64($0) &* 0xD1B5_4A32_D192_ED03) }
}
