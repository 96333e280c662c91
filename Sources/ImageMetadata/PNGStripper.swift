/// PNG: a signature, then chunks of length, type, data and CRC.
///
/// Kept: the chunks that decide how the picture looks (header, palette, data, transparency, colour space,
/// physical size, animation). Dropped: `eXIf`, the text chunks (`tEXt`, `zTXt`, `iTXt`), `tIME`, and every other
/// chunk, private ones included (an allow-list: a camera's or an editor's own chunk cannot slip through).
enum PNGStripper {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let rendering: Set<String> = [
        "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "cHRM", "gAMA", "iCCP", "sBIT", "sRGB", "cICP", "mDCV", "cLLI", "bKGD",
        "hIST", "pHYs", "sPLT", "acTL", "fcTL", "fdAT",
    ]

    static func strip(_ bytes: [UInt8]) throws(ImageDefect) -> CleanImage {
        guard bytes.starts(with: signature) else { throw .malformed("no PNG signature") }
        var reader = ByteReader(bytes, at: signature.count)
        var chunks: [(type: String, whole: ArraySlice<UInt8>)] = []
        var orientation: Int?
        var removed: [String] = []
        while true {
            let start = reader.offset
            let length = try reader.uint32BigEndian()
            guard length <= 0x7FFF_FFFF else { throw .malformed("chunk length") }
            let typeBytes = try reader.take(4)
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw .malformed("chunk type")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            let data = try reader.take(length)
            let crc = try reader.uint32BigEndian()
            guard CRC32.checksum(typeBytes + data) == crc else { throw .malformed("\(type) checksum") }
            if chunks.isEmpty, type != "IHDR" { throw .malformed("IHDR must come first") }
            if type == "eXIf" { orientation = orientation ?? Orientation.read(tiff: data) }
            if rendering.contains(type) {
                chunks.append((type, bytes[start..<reader.offset]))
            } else {
                removed.append(type)
            }
            if type == "IEND" { break }
        }
        guard chunks.contains(where: { $0.type == "IDAT" }) else { throw .malformed("no image data") }
        if reader.remaining > 0 { removed.append("data after the end") }

        var out = signature
        for (index, chunk) in chunks.enumerated() {
            out += chunk.whole
            if index == 0, let kept = Orientation.needsKeeping(orientation) {
                appendChunk("eXIf", Orientation.minimalTIFF(kept), to: &out)  // before the image data, as the spec asks
            }
        }
        return CleanImage(bytes: out, orientation: Orientation.needsKeeping(orientation), removed: removed)
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        out.appendBigEndian(data.count, bytes: 4)
        let typed = Array(type.utf8) + data
        out += typed
        out.appendBigEndian(Int(CRC32.checksum(typed[...])), bytes: 4)
    }
}

/// The CRC-32 of PNG (ISO 3309, polynomial 0xEDB88320 reflected).
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> Int {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return Int(c ^ 0xFFFF_FFFF)
    }
}
