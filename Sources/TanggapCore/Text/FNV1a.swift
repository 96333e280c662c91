/// FNV-1a, 64 bits: a hash that is the same in every process and on every machine (Swift's own `Hasher` is seeded
/// per process), cheap enough to run over every shingle of a text. Not for anything an attacker chooses to collide.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ unit: UInt64) {
        value ^= unit
        value = value &* 0x0000_0100_0000_01B3
    }

    /// The hash of a text's UTF-8 bytes.
    public static func of(_ text: String) -> UInt64 {
        var hash = FNV1a()
        for byte in text.utf8 { hash.add(UInt64(byte)) }
        return hash.value
    }
}
