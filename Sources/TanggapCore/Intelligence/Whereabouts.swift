/// Where a complaint says it happened, as far as its words tell: the numbered parts of an Indonesian address ("RT 5",
/// "RW 8", "No. 41", "Km 12") and the places it names after "di" ("di Desa Sukamaju", "di Jl. Raya Cibiru"). The same
/// complaint — a birth certificate that never comes, a flooded village road — is made at many places of one region,
/// in nearly the same words; two reports that say they are at different places are not one incident, however alike
/// their words (`NearDuplicates.similarity` halves them).
struct Whereabouts: Sendable, Equatable {
    /// Each kind of place the text gives, with its numbers or names: ["rt": ["5"], "desa": ["sukamaju"]].
    private(set) var parts: [String: Set<String>] = [:]

    /// The parts of an address that carry a number: a neighbourhood, a hamlet, a house, a block, a kilometre post.
    static let numberedParts: [String: String] = [
        "rt": "rt", "rw": "rw", "no": "no", "nomor": "no", "nomer": "no", "blok": "blok", "km": "km",
    ]
    /// The kinds of named place, after "di" (the words already in their standard spelling: "jl" is "jalan").
    static let namedPlaces: [String: String] = [
        "desa": "desa", "kelurahan": "kelurahan", "dusun": "dusun", "kampung": "kampung", "kp": "kampung", "jalan": "jalan",
        "gang": "gang", "gg": "gang", "perumahan": "perumahan", "perum": "perumahan", "komplek": "perumahan",
    ]
    /// Words that begin a street's name without telling it apart ("Jl. Raya Cibiru").
    static let generic: Set<String> = ["raya", "besar", "utama"]

    /// From a text's words, stop-words included ("di" says that a place follows).
    init(words: [String]) {
        for index in words.indices.dropLast() {
            let word = words[index], next = words[index + 1]
            if let part = Self.numberedParts[word], let number = Int(next) {
                parts[part, default: []].insert(String(number))
            }
            if word == "di", let kind = Self.namedPlaces[next] {
                var name = words.dropFirst(index + 2).prefix { !IndonesianText.stopWords.contains($0) && Int($0) == nil }.prefix(2)
                if let first = name.first, !Self.generic.contains(first) { name = name.prefix(1) }
                if !name.isEmpty, !Self.numberedParts.keys.contains(name.first!) {
                    parts[kind, default: []].insert(name.joined(separator: " "))
                }
            }
        }
    }

    init() {}

    /// Whether the two say they are at different places: both give a place, and either no kind in common (a house
    /// number on a street against an RT in a village) or, for a kind both give, nothing alike (RT 5 against RT 11,
    /// Desa Sukamaju against Desa Mekarsari). A text that gives no place is no evidence either way.
    func differs(from other: Whereabouts) -> Bool {
        guard !parts.isEmpty, !other.parts.isEmpty else { return false }
        let shared = Set(parts.keys).intersection(other.parts.keys)
        return shared.isEmpty
            || shared.contains { kind in
                !parts[kind]!.contains { mine in other.parts[kind]!.contains { Self.alike(mine, $0) } }
            }
    }

    /// The same number, or the same name give or take a slip of the finger ("Sindangasri", "Sidnangasri").
    static func alike(_ a: String, _ b: String) -> Bool {
        guard a != b else { return true }
        guard Int(a) == nil, Int(b) == nil, a.count >= 5, b.count >= 5 else { return false }
        return editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars), atMost: 2) <= 2
    }

    /// Levenshtein distance, stopped early once it is over `atMost`.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], atMost limit: Int) -> Int {
        guard abs(a.count - b.count) <= limit else { return limit + 1 }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            if current.min()! > limit { return limit + 1 }
            previous = current
        }
        return previous[b.count]
    }
}
