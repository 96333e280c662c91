/// JPEG: a sequence of marker segments, the compressed scans between them.
///
/// Kept: the segments that decode the picture (tables, frame and scan headers, restart intervals), a JFIF header
/// without its thumbnail, Adobe's colour-transform segment, and ICC colour profiles. Dropped: EXIF and XMP (APP1),
/// IPTC and Photoshop (APP13), MPF's extra pictures and FlashPix (other APP2), every other APPn, comments, and
/// whatever follows the end marker (some phones append a video or a second picture there).
enum JPEGStripper {
    private static let startOfImage: UInt8 = 0xD8
    private static let endOfImage: UInt8 = 0xD9
    private static let startOfScan: UInt8 = 0xDA
    private static let comment: UInt8 = 0xFE

    static func strip(_ bytes: [UInt8]) throws(ImageDefect) -> CleanImage {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == startOfImage else { throw .malformed("no JPEG start marker") }
        var reader = ByteReader(bytes, at: 2)
        var header: [UInt8] = []  // a JFIF APP0, which must stay first
        var body: [UInt8] = []
        var orientation: Int?
        var removed: [String] = []
        var sawFrame = false, sawScan = false

        while true {
            let marker = try nextMarker(&reader)
            switch marker {
            case endOfImage:
                guard sawFrame, sawScan else { throw .malformed("no picture before the end marker") }
                if reader.remaining > 0 { removed.append("data after the end") }
                var out: [UInt8] = [0xFF, startOfImage] + header
                if let kept = Orientation.needsKeeping(orientation) {
                    appendSegment(0xE1, Array("Exif\0\0".utf8) + Orientation.minimalTIFF(kept), to: &out)
                }
                out += body
                out += [0xFF, endOfImage]
                return CleanImage(bytes: out, orientation: Orientation.needsKeeping(orientation), removed: removed)
            case startOfImage, 0x00:
                throw .malformed("unexpected marker \(marker)")
            case 0x01, 0xD0...0xD7:
                body += [0xFF, marker]  // markers without a length
                continue
            default:
                break
            }
            let length = try reader.uint16BigEndian()
            guard length >= 2 else { throw .malformed("segment length \(length)") }
            let payload = try reader.take(length - 2)
            switch marker {
            case 0xE0:
                if header.isEmpty, payload.starts(with: "JFIF\0"), payload.count >= 14 {
                    // Moved to the front, where JFIF must stand. Version, units and density stay; the thumbnail (which may show what a crop removed) goes.
                    appendSegment(0xE0, Array(payload.prefix(12)) + [0, 0], to: &header)
                    if payload.count > 14 { removed.append("JFIF thumbnail") }
                } else {
                    removed.append("APP0")
                }
            case 0xE1:
                if payload.starts(with: "Exif\0\0") {
                    orientation = orientation ?? Orientation.read(tiff: payload.dropFirst(6))
                    removed.append("EXIF")
                } else {
                    removed.append(payload.starts(with: "http://ns.adobe.com/") ? "XMP" : "APP1")
                }
            case 0xE2 where payload.starts(with: "ICC_PROFILE\0"), 0xEE where payload.starts(with: "Adobe"):
                appendSegment(marker, Array(payload), to: &body)
            case 0xE2...0xEF:
                removed.append(marker == 0xED ? "IPTC" : "APP\(marker - 0xE0)")
            case comment:
                removed.append("comment")
            case startOfScan:
                guard sawFrame else { throw .malformed("scan before frame") }
                sawScan = true
                appendSegment(marker, Array(payload), to: &body)
                try copyScan(&reader, to: &body)
            default:
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) { sawFrame = true }
                appendSegment(marker, Array(payload), to: &body)
            }
        }
    }

    /// The next marker's code, past the fill bytes (0xFF) the standard allows before it.
    private static func nextMarker(_ reader: inout ByteReader) throws(ImageDefect) -> UInt8 {
        guard try reader.byte() == 0xFF else { throw .malformed("expected a marker") }
        var code = try reader.byte()
        while code == 0xFF { code = try reader.byte() }
        return code
    }

    /// Copies compressed data up to the next marker that is neither a stuffed zero nor a restart marker.
    private static func copyScan(_ reader: inout ByteReader, to out: inout [UInt8]) throws(ImageDefect) {
        let bytes = reader.bytes
        var index = reader.offset
        while true {
            guard let mark = bytes[index...].firstIndex(of: 0xFF) else { throw .truncated }
            var next = mark + 1
            while next < bytes.count, bytes[next] == 0xFF { next += 1 }
            guard next < bytes.count else { throw .truncated }
            let code = bytes[next]
            if code == 0x00 || (0xD0...0xD7).contains(code) {
                index = next + 1
                continue
            }
            out += bytes[reader.offset..<mark]
            reader.rewind(to: mark)
            return
        }
    }

    private static func appendSegment(_ marker: UInt8, _ payload: [UInt8], to out: inout [UInt8]) {
        out += [0xFF, marker]
        out.appendBigEndian(payload.count + 2, bytes: 2)
        out += payload
    }
}
