/// A QR code version (size) at error correction level M: how its codewords divide into blocks and where its alignment
/// patterns stand (ISO/IEC 18004, tables 9 and E.1). Versions 1 to 10 hold up to 213 bytes, more than a sign-in link
/// for an authenticator app needs.
struct Version: Sendable {
    let number: Int
    /// Error correction codewords in every block.
    let eccPerBlock: Int
    /// Data codewords of each block, shorter blocks first.
    let blocks: [Int]
    let alignment: [Int]

    var size: Int { 17 + 4 * number }
    var dataCodewords: Int { blocks.reduce(0, +) }
    /// Bits of the character count in byte mode.
    var countBits: Int { number < 10 ? 8 : 16 }
    /// Whether bytes of this length fit, with the mode and count in front.
    func holds(bytes: Int) -> Bool { 4 + countBits + 8 * bytes <= 8 * dataCodewords }

    static let levelM: [Version] = [
        Version(number: 1, eccPerBlock: 10, blocks: [16], alignment: []),
        Version(number: 2, eccPerBlock: 16, blocks: [28], alignment: [6, 18]),
        Version(number: 3, eccPerBlock: 26, blocks: [44], alignment: [6, 22]),
        Version(number: 4, eccPerBlock: 18, blocks: [32, 32], alignment: [6, 26]),
        Version(number: 5, eccPerBlock: 24, blocks: [43, 43], alignment: [6, 30]),
        Version(number: 6, eccPerBlock: 16, blocks: [27, 27, 27, 27], alignment: [6, 34]),
        Version(number: 7, eccPerBlock: 18, blocks: [31, 31, 31, 31], alignment: [6, 22, 38]),
        Version(number: 8, eccPerBlock: 22, blocks: [38, 38, 39, 39], alignment: [6, 24, 42]),
        Version(number: 9, eccPerBlock: 22, blocks: [36, 36, 36, 37, 37], alignment: [6, 26, 46]),
        Version(number: 10, eccPerBlock: 26, blocks: [43, 43, 43, 43, 44], alignment: [6, 28, 50]),
    ]
}
