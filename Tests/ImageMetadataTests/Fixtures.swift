import Foundation
import ImageMetadata

/// The committed sample pictures (made by `scripts/make-image-fixtures.py`), each with "PLANTED" metadata.
enum Fixture: String, CaseIterable {
    case jpeg = "phone.jpg", png = "phone.png", webp = "phone.webp", gif = "animated.gif"

    var format: ImageFormat {
        switch self {
        case .jpeg: .jpeg
        case .png: .png
        case .webp: .webp
        case .gif: .gif
        }
    }

    var bytes: [UInt8] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        return [UInt8](try! Data(contentsOf: folder.appendingPathComponent(rawValue)))
    }
}

extension Array where Element == UInt8 {
    /// Whether the bytes hold `text`, in any case (so "planted", "PLANTED" and "Planted" are all found).
    func contains(text: String) -> Bool {
        let needle = Array(text.lowercased().utf8)
        let lowered = map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        guard needle.count <= lowered.count else { return false }
        return (0...(lowered.count - needle.count)).contains { lowered[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}

/// A seeded generator, so a failing corruption can be found again from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The segments of a JPEG up to its first scan, as (marker, payload): what a decoder sees before the picture.
func jpegSegments(_ bytes: [UInt8]) -> [(marker: UInt8, payload: [UInt8])] {
    var segments: [(UInt8, [UInt8])] = []
    var index = 2
    while index + 4 <= bytes.count, bytes[index] == 0xFF {
        let marker = bytes[index + 1]
        let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
        segments.append((marker, Array(bytes[(index + 4)..<min(bytes.count, index + 2 + length)])))
        if marker == 0xDA { break }
        index += 2 + length
    }
    return segments
}

/// The chunk types of a PNG, in order.
func pngChunkTypes(_ bytes: [UInt8]) -> [String] {
    var types: [String] = []
    var index = 8
    while index + 8 <= bytes.count {
        let length = bytes[index..<index + 4].reduce(0) { $0 << 8 | Int($1) }
        types.append(String(decoding: bytes[index + 4..<index + 8], as: UTF8.self))
        index += 12 + length
    }
    return types
}

/// The chunk codes of a WebP, in order.
func webpChunkCodes(_ bytes: [UInt8]) -> [String] {
    var codes: [String] = []
    var index = 12
    while index + 8 <= bytes.count {
        let size = bytes[index + 4..<index + 8].reversed().reduce(0) { $0 << 8 | Int($1) }
        codes.append(String(decoding: bytes[index..<index + 4], as: UTF8.self))
        index += 8 + size + size % 2
    }
    return codes
}
