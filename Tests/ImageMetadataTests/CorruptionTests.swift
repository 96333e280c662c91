import Foundation
import ImageMetadata
import Testing

/// The stripper over broken and hostile input: it refuses or answers, and never crashes, hangs or passes on a
/// half-cleaned file. The number of random cases per format comes from `IMAGE_FUZZ_CASES` (a longer run: see
/// bench/README.md).
@Suite struct CorruptionTests {
    static let cases = ProcessInfo.processInfo.environment["IMAGE_FUZZ_CASES"].flatMap(Int.init) ?? 5_000

    /// Where the picture ends: a cut before it must be refused.
    func pictureEnd(_ fixture: Fixture) -> Int {
        let bytes = fixture.bytes
        switch fixture {
        case .jpeg: return (0..<bytes.count - 1).last { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xD9 }! + 2
        default: return bytes.count
        }
    }

    @Test(arguments: Fixture.allCases) func everyCutShortFileIsRefused(_ fixture: Fixture) {
        let bytes = fixture.bytes
        let end = pictureEnd(fixture)
        for length in 0..<end {
            #expect(throws: ImageDefect.self, "cut at \(length) of \(bytes.count)") {
                try MetadataStripper.strip(Array(bytes.prefix(length)), as: fixture.format)
            }
        }
        // Past the end marker only the appended data is cut: the picture is whole and clean.
        for length in end...bytes.count {
            let clean = try? MetadataStripper.strip(Array(bytes.prefix(length)), as: fixture.format)
            #expect(clean.map { !$0.bytes.contains(text: "planted") } == true, "cut at \(length)")
        }
    }

    @Test(arguments: Fixture.allCases) func randomCorruptionNeverCrashesAndWhatPassesIsStable(_ fixture: Fixture) {
        let original = fixture.bytes
        var random = SplitMix64(seed: 0x7A66_0000 + UInt64(fixture.rawValue.count))
        var passed = 0
        for _ in 0..<Self.cases {
            let broken = corrupt(original, using: &random)
            guard let clean = try? MetadataStripper.strip(broken, as: fixture.format) else { continue }
            passed += 1
            // What passes is a well-formed file in the stripper's own eyes: cleaning it again changes nothing.
            let again = try? MetadataStripper.strip(clean.bytes, as: fixture.format)
            #expect(again?.bytes == clean.bytes)
        }
        #expect(passed < Self.cases, "some corruptions must be refused")
    }

    /// One to four edits: a flipped byte, a random byte, a cut, a duplicated or removed run, a huge length.
    func corrupt(_ bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !out.isEmpty else { break }
            let at = Int.random(in: 0..<out.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: out[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1: out[at] = UInt8.random(in: 0...255, using: &random)
            case 2: out.removeSubrange(at...)
            case 3:
                let end = min(out.count, at + Int.random(in: 1...64, using: &random))
                out.insert(contentsOf: out[at..<end], at: at)
            case 4: out.removeSubrange(at..<min(out.count, at + Int.random(in: 1...64, using: &random)))
            default: out.replaceSubrange(at..<min(out.count, at + 4), with: [0xFF, 0xFF, 0xFF, 0xFF])
            }
        }
        return out
    }
}
