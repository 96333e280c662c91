import Testing

@testable import QRCode

@Suite struct QRCodeTests {
    /// The worked example of version 1-M "HELLO WORLD" (alphanumeric mode): its ten error correction codewords.
    @Test func reedSolomonMatchesTheWorkedExample() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.remainder(of: data, count: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test func theSmallestVersionThatHoldsTheBytesIsChosen() throws {
        #expect(try QRCode(text: String(repeating: "a", count: 14)).version == 1)
        #expect(try QRCode(text: String(repeating: "a", count: 15)).version == 2)
        #expect(try QRCode(text: String(repeating: "a", count: 106)).version == 6)
        #expect(try QRCode(text: String(repeating: "a", count: 213)).version == 10)
        #expect(throws: QRCode.Failure.tooLong) { try QRCode(text: String(repeating: "a", count: 214)) }
        #expect(try QRCode(text: "").size == 21)
    }

    /// Both copies of the format information read back as level M and the chosen mask, within BCH(15,5).
    @Test(arguments: [1, 40, 100, 150, 213])
    func formatAndVersionInformationReadBack(length: Int) throws {
        let code = try QRCode(text: String(repeating: "otpauth", count: 40).prefix(length).description)
        let n = code.size
        func bits(_ modules: [(Int, Int)]) -> Int {
            modules.enumerated().reduce(0) { $0 | (code[$1.element.0, $1.element.1] ? 1 << $1.offset : 0) }
        }
        let first = bits((0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) })
        let second = bits((0..<8).map { (n - 1 - $0, 8) } + (8..<15).map { (8, n - 15 + $0) })
        #expect(first == second)
        let unmasked = first ^ 0x5412
        #expect(unmasked >> 10 == code.mask, "level M is 00, then the mask")
        var remainder = unmasked >> 10
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        #expect(unmasked & 0x3FF == remainder)
        #expect(code[8, n - 8], "the dark module")
        if code.version >= 7 {
            let version = bits((0..<18).map { (n - 11 + $0 % 3, $0 / 3) })
            #expect(version >> 12 == code.version)
            #expect(version == bits((0..<18).map { ($0 / 3, n - 11 + $0 % 3) }))
        }
    }

    @Test func findersAndTimingStandWhereReadersLook() throws {
        let code = try QRCode(text: "otpauth://totp/Tanggap:admin%40tanggap.test?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Tanggap")
        let n = code.size
        for (cx, cy) in [(3, 3), (n - 4, 3), (3, n - 4)] {
            for d in -3...3 {
                #expect(code[cx + d, cy - 3] && code[cx + d, cy + 3] && code[cx - 3, cy + d] && code[cx + 3, cy + d], "outer ring")
                #expect(code[cx, cy], "centre")
            }
            for d in -2...2 { #expect(!code[cx + d, cy - 2] && !code[cx - 2, cy + d], "light ring") }
        }
        for i in 8..<(n - 8) { #expect(code[i, 6] == (i % 2 == 0) && code[6, i] == (i % 2 == 0)) }
    }

    @Test func theSVGDrawsEveryDarkModuleAndNothingElse() throws {
        let code = try QRCode(text: "Tanggap")
        let svg = code.svg(label: "Kode \"QR\" <Tanggap>")
        let dark = (0..<code.size).flatMap { y in (0..<code.size).filter { code[$0, y] } }.count
        #expect(svg.split(separator: "h1v1h-1z", omittingEmptySubsequences: false).count - 1 == dark)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>") && !svg.contains("<script") && !svg.contains("style="))
        #expect(svg.contains("aria-label=\"Kode &quot;QR&quot; &lt;Tanggap>\""))
    }
}
