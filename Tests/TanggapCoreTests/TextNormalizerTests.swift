import Testing

@testable import TanggapCore

/// Plain ASCII text takes a shorter way through the cleaning; it must come out exactly as the general way makes it.
@Suite struct TextNormalizerTests {
    /// A zero-width space is stripped by the general way and makes any text not plain: the same text with one in
    /// front must clean to the same result.
    private func generalWay(_ text: String, _ clean: (String) -> String) -> String { clean("\u{200B}" + text) }

    @Test func plainTextCleansAsTheGeneralWayDoes() {
        var random = SplitMix64(seed: 42)
        let pieces = ["a", "Jalan", " ", "  ", "\n", "\n\n", " \n", ".", "7"]
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &random)]
            }
            #expect(TextNormalizer.multiLine(text) == generalWay(text, TextNormalizer.multiLine), "\(text.debugDescription)")
            let oneLine = text.replacingOccurrences(of: "\n", with: " ")
            #expect(TextNormalizer.singleLine(oneLine) == generalWay(oneLine, TextNormalizer.singleLine), "\(oneLine.debugDescription)")
        }
    }

    @Test func plainTextExamples() {
        #expect(TextNormalizer.multiLine("  Lampu padam.   \n\n\n\nSudah tiga malam.  \n \n") == "Lampu padam.\n\nSudah tiga malam.")
        #expect(TextNormalizer.singleLine("  Lampu   jalan  padam ") == "Lampu jalan padam")
        #expect(TextNormalizer.multiLine("   \n  ") == "")
    }
}
