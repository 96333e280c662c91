/// The number a citizen reads out over the phone or types into an SMS to follow a report.
///
/// Ten symbols from an alphabet without 0, O, 1, I and L (nothing to confuse when read aloud or typed on a
/// keypad); nine are random (31⁹ ≈ 2.6 × 10¹³ values, so guessing is hopeless against a rate limit) and the last
/// is a check symbol that catches any single mistyped symbol and any two swapped symbols before a lookup.
/// Case and separators do not matter: `k7m2p-9qrst` and `K7M2P9QRST` are the same ID.
public struct TrackingID: Hashable, Sendable, CustomStringConvertible {
    public static let alphabet: [Character] = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    static let randomLength = 9
    public static let length = randomLength + 1

    /// The canonical form: ten upper-case symbols, no separator. This is what is stored.
    public let value: String

    private init(canonical: String) {
        self.value = canonical
    }

    public static func generate(using generator: inout some RandomNumberGenerator) -> TrackingID {
        let digits = (0..<randomLength).map { _ in Int.random(in: 0..<alphabet.count, using: &generator) }
        let symbols = (digits + [checkDigit(digits)]).map { alphabet[$0] }
        return TrackingID(canonical: String(symbols))
    }

    /// The `n`th of a fixed, scattered sequence of distinct IDs (n < 31⁹): for synthetic data written in bulk, where
    /// drawing at random would need a lookup per ID to stay unique. Never for real reports: these are guessable.
    public static func synthetic(_ n: UInt64) -> TrackingID {
        let space: UInt64 = 26_439_622_160_671  // 31⁹
        // Multiplying by a number prime to 31 permutes 0..<31⁹, so neighbours look unrelated.
        var value = UInt64((UInt128(n % space) * 7_919_000_021) % UInt128(space))
        var digits: [Int] = []
        for _ in 0..<randomLength {
            digits.append(Int(value % 31))
            value /= 31
        }
        return TrackingID(canonical: String((digits + [checkDigit(digits)]).map { alphabet[$0] }))
    }

    /// Reads what someone typed; nil when it cannot be a tracking ID (wrong symbols, wrong length, bad check).
    public init?(parsing input: String) {
        guard input.count <= 40 else { return nil }
        let compact = input.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
        guard compact.count == Self.length else { return nil }
        var digits: [Int] = []
        for symbol in compact {
            guard let index = Self.alphabet.firstIndex(of: symbol) else { return nil }
            digits.append(index)
        }
        guard Self.checkDigit(Array(digits.prefix(Self.randomLength))) == digits[Self.randomLength] else {
            return nil
        }
        self.value = compact
    }

    /// The form shown to people: two groups of five.
    /// A tracking ID as the database keeps it. Only generated or parsed IDs are ever stored, so it is canonical;
    /// a value that is not (a row written by hand) is kept as it is rather than ending the process.
    public init(stored value: String) {
        self = TrackingID(parsing: value) ?? TrackingID(canonical: value)
    }

    public var display: String {
        guard value.count == Self.length else { return value }
        let split = value.index(value.startIndex, offsetBy: 5)
        return "\(value[..<split])-\(value[split...])"
    }

    public var description: String { display }

    /// A weighted sum modulo 31: the modulus is prime and the weights distinct, so any single substitution
    /// and any transposition changes the sum.
    static func checkDigit(_ digits: [Int]) -> Int {
        var sum = 0
        for (position, digit) in digits.enumerated() { sum += (position + 1) * digit }
        return sum % alphabet.count
    }
}

/// The secret a reporter without an account gets at submission, to prove later that a report is theirs.
/// Sixteen symbols of the tracking alphabet, about 79 bits; stored only as a digest.
public enum ReporterSecret {
    public static let length = 16

    public static func generate(using generator: inout some RandomNumberGenerator) -> String {
        let symbols = (0..<length).map { _ in TrackingID.alphabet.randomElement(using: &generator)! }
        return stride(from: 0, to: length, by: 4).map { start in
            String(symbols[start..<start + 4])
        }.joined(separator: "-")
    }

    /// The canonical form of a typed secret: upper case, separators removed; nil when it cannot be one.
    public static func canonical(_ input: String) -> String? {
        guard input.count <= 64 else { return nil }
        let compact = input.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        guard compact.count == length, compact.allSatisfy({ TrackingID.alphabet.contains($0) }) else { return nil }
        return compact
    }
}

/// Encoded as the canonical form, the way the database keeps it; decoding accepts any form a person might type.
/// What people read (the API, the pages) is `display`, written out explicitly.
extension TrackingID: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(stored: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
