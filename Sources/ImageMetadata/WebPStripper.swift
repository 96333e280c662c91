/// WebP: a RIFF container of chunks (four-character code, little-endian size, data, a pad byte to an even length).
///
/// Kept: the picture (`VP8 `, `VP8L`, `ALPH`), the extended header `VP8X`, the colour profile `ICCP` and the
/// animation (`ANIM`, `ANMF`). Dropped: `EXIF`, `XMP ` and unknown chunks; the `VP8X` flags are set again to say
/// what is left.
enum WebPStripper {
    private static let kept: Set<String> = ["VP8 ", "VP8L", "VP8X", "ALPH", "ICCP", "ANIM", "ANMF"]
    private static let pictures: Set<String> = ["VP8 ", "VP8L", "ANMF"]
    private static let iccFlag: UInt8 = 0x20, exifFlag: UInt8 = 0x08, xmpFlag: UInt8 = 0x04

    static func strip(_ bytes: [UInt8]) throws(ImageDefect) -> CleanImage {
        guard bytes.count >= 12, bytes.starts(with: "RIFF"), bytes[8..<12].starts(with: "WEBP") else {
            throw .malformed("no WebP header")
        }
        var reader = ByteReader(bytes, at: 4)
        let riffSize = try reader.uint32LittleEndian()
        guard riffSize >= 4, riffSize % 2 == 0 else { throw .malformed("RIFF size") }
        guard riffSize + 8 <= bytes.count else { throw .truncated }
        let end = riffSize + 8
        reader.rewind(to: 12)

        var chunks: [(code: String, data: [UInt8])] = []
        var orientation: Int?
        var removed: [String] = []
        while reader.offset < end {
            let code = String(decoding: try reader.take(4), as: UTF8.self)
            let size = try reader.uint32LittleEndian()
            guard size <= end - reader.offset else { throw .truncated }
            let data = try reader.take(size)
            if size % 2 == 1, reader.offset < end { try reader.skip(1) }
            if chunks.isEmpty, !["VP8 ", "VP8L", "VP8X"].contains(code) { throw .malformed("first chunk \(code)") }
            if code == "EXIF" {
                // Some writers put the JPEG-style "Exif\0\0" before the TIFF structure.
                orientation = orientation ?? Orientation.read(tiff: data.starts(with: "Exif\0\0") ? data.dropFirst(6) : data)
            }
            if kept.contains(code) {
                chunks.append((code, Array(data)))
            } else {
                removed.append(code.trimmingTrailingSpace)
            }
        }
        guard chunks.contains(where: { pictures.contains($0.code) }) else { throw .malformed("no picture") }
        if bytes.count > end { removed.append("data after the end") }

        let extended = chunks[0].code == "VP8X"
        guard !extended || chunks[0].data.count >= 10 else { throw .malformed("VP8X size") }
        if !extended {
            // The simple format holds one picture and nothing else.
            chunks = Array(chunks.prefix(1))
        }
        let keptOrientation = extended ? Orientation.needsKeeping(orientation) : nil
        if let keptOrientation { chunks.append(("EXIF", Orientation.minimalTIFF(keptOrientation))) }
        if extended {
            var flags = chunks[0].data[0] & ~(exifFlag | xmpFlag | iccFlag)
            if chunks.contains(where: { $0.code == "ICCP" }) { flags |= iccFlag }
            if keptOrientation != nil { flags |= exifFlag }
            chunks[0].data[0] = flags
        }

        var body: [UInt8] = Array("WEBP".utf8)
        for chunk in chunks {
            body += Array(chunk.code.utf8)
            body.appendLittleEndian(chunk.data.count, bytes: 4)
            body += chunk.data
            if chunk.data.count % 2 == 1 { body.append(0) }
        }
        var out: [UInt8] = Array("RIFF".utf8)
        out.appendLittleEndian(body.count, bytes: 4)
        return CleanImage(bytes: out + body, orientation: keptOrientation, removed: removed)
    }
}

extension String {
    fileprivate var trimmingTrailingSpace: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
