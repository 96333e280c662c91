/// A QR code (ISO/IEC 18004) holding bytes in byte mode at error correction level M, versions 1 to 10: enough for
/// the `otpauth://` link an authenticator app scans. The server draws it itself (`svg`), so enrolling a second
/// factor asks no outside service and leaks the secret to nobody.
public struct QRCode: Sendable {
    public enum Failure: Error, Equatable {
        /// More bytes than version 10 holds at level M (213).
        case tooLong
    }

    /// Modules per side, quiet zone not included.
    public let size: Int
    public let version: Int
    /// The mask pattern chosen (0–7): the one whose symbol is easiest to read (lowest penalty).
    public let mask: Int
    private let dark: [Bool]

    public init(text: String) throws(Failure) {
        try self.init(bytes: Array(text.utf8))
    }

    public init(bytes: [UInt8]) throws(Failure) {
        guard let version = Version.levelM.first(where: { $0.holds(bytes: bytes.count) }) else { throw .tooLong }
        let codewords = Self.codewords(for: bytes, in: version)
        var grid = Grid(version: version)
        grid.drawFunctionPatterns()
        grid.place(codewords)
        var best: (mask: Int, grid: Grid, penalty: Int)?
        for mask in 0..<8 {
            var candidate = grid
            candidate.apply(mask: mask)
            candidate.drawFormatBits(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (mask, candidate, penalty) }
        }
        self.size = version.size
        self.version = version.number
        self.mask = best!.mask
        self.dark = best!.grid.dark
    }

    /// Whether the module at column `x`, row `y` is dark.
    public subscript(x: Int, y: Int) -> Bool { dark[y * size + x] }

    /// The data and error correction codewords in the order they are placed: the data of every block interleaved,
    /// then their error correction, interleaved the same way.
    static func codewords(for bytes: [UInt8], in version: Version) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version.countBits)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = version.dataCodewords * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var data = bits.bytes
        var pad: UInt8 = 0xEC
        while data.count < version.dataCodewords {
            data.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        var blocks: [[UInt8]] = []
        var start = 0
        for length in version.blocks {
            blocks.append(Array(data[start..<start + length]))
            start += length
        }
        let corrections = blocks.map { ReedSolomon.remainder(of: $0, count: version.eccPerBlock) }
        var result: [UInt8] = []
        for i in 0..<(version.blocks.max() ?? 0) {
            for block in blocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<version.eccPerBlock {
            for correction in corrections { result.append(correction[i]) }
        }
        return result
    }
}

/// Bits written most significant first.
struct BitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<min(start + 8, bits.count)].reduce(UInt8(0)) { ($0 << 1) | ($1 ? 1 : 0) }
        }
    }
}
