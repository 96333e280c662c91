import TanggapCore
import Testing

@Suite struct TrackingIDTests {
    @Test func generatedIDsAreShortReadableAndParseBack() {
        var rng = SplitMix64(seed: 1)
        for _ in 0..<10_000 {
            let id = TrackingID.generate(using: &rng)
            #expect(id.value.count == 10)
            #expect(!id.value.contains { "01OIL".contains($0) })
            #expect(TrackingID(parsing: id.value) == id)
            #expect(TrackingID(parsing: id.display.lowercased()) == id)
            #expect(TrackingID(parsing: " " + id.display.replacingOccurrences(of: "-", with: " ") + " ") == id)
        }
    }

    @Test func idsDoNotRepeatInAMillion() {
        var rng = SplitMix64(seed: 2)
        var seen = Set<String>()
        for _ in 0..<1_000_000 { seen.insert(TrackingID.generate(using: &rng).value) }
        #expect(seen.count == 1_000_000)
    }

    @Test func everySingleTypoAndEverySwapIsCaught() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<300 {
            let symbols = Array(TrackingID.generate(using: &rng).value)
            for position in symbols.indices {
                for replacement in TrackingID.alphabet where replacement != symbols[position] {
                    var typo = symbols
                    typo[position] = replacement
                    #expect(TrackingID(parsing: String(typo)) == nil)
                }
                for other in symbols.indices where other > position && symbols[other] != symbols[position] {
                    var swapped = symbols
                    swapped.swapAt(position, other)
                    #expect(TrackingID(parsing: String(swapped)) == nil)
                }
            }
        }
    }

    @Test(arguments: [
        "", "ABC", "O0O0O-O0O0O", "1234567890", "<script>", "'; DROP TABLE reports;--",
        "../../etc/passwd", String(repeating: "A", count: 10_000), "ÄBCDE-FGHJK",
    ])
    func nonsenseIsNotAnID(_ input: String) {
        #expect(TrackingID(parsing: input) == nil)
    }

    @Test func secretsAreLongAndCanonical() {
        var rng = SplitMix64(seed: 4)
        let secret = ReporterSecret.generate(using: &rng)
        #expect(secret.count == 19)
        #expect(ReporterSecret.canonical(secret.lowercased()) == secret.replacingOccurrences(of: "-", with: ""))
        #expect(ReporterSecret.canonical("short") == nil)
        #expect(ReporterSecret.generate(using: &rng) != secret)
    }
}
