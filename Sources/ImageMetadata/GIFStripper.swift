/// GIF: a header, a screen descriptor with its colour table, then blocks up to the trailer.
///
/// Kept: the pictures (image descriptors, colour tables, compressed data) and graphic control extensions (delays
/// and transparency). Dropped: comments, plain-text extensions and application extensions (XMP travels in one);
/// the one exception is the NETSCAPE2.0 loop count, written anew from its number so that nothing else rides along.
enum GIFStripper {
    private static let extensionIntroducer: UInt8 = 0x21
    private static let imageSeparator: UInt8 = 0x2C
    private static let trailer: UInt8 = 0x3B

    static func strip(_ bytes: [UInt8]) throws(ImageDefect) -> CleanImage {
        guard bytes.starts(with: "GIF87a") || bytes.starts(with: "GIF89a") else { throw .malformed("no GIF header") }
        var reader = ByteReader(bytes, at: 6)
        let screen = try reader.take(7)
        let packed = screen[screen.startIndex + 4]
        var out = Array(bytes[0..<6]) + screen
        if packed & 0x80 != 0 { out += try reader.take(3 << (Int(packed & 0x07) + 1)) }
        var removed: [String] = []
        var pictures = 0

        while true {
            let introducer = try reader.byte()
            switch introducer {
            case trailer:
                guard pictures > 0 else { throw .malformed("no picture") }
                if reader.remaining > 0 { removed.append("data after the end") }
                out.append(trailer)
                return CleanImage(bytes: out, orientation: nil, removed: removed)
            case imageSeparator:
                let descriptor = try reader.take(9)
                out.append(introducer)
                out += descriptor
                let flags = descriptor[descriptor.startIndex + 8]
                if flags & 0x80 != 0 { out += try reader.take(3 << (Int(flags & 0x07) + 1)) }
                let codeSize = try reader.byte()
                guard (1...12).contains(codeSize) else { throw .malformed("LZW code size") }
                out.append(codeSize)
                out += try subBlocks(&reader)
                pictures += 1
            case extensionIntroducer:
                let label = try reader.byte()
                let blocks = try subBlocks(&reader)
                switch label {
                case 0xF9:
                    out += [introducer, label] + blocks
                case 0xFF:
                    if let loops = loopCount(blocks) {
                        out += [introducer, label, 11] + Array("NETSCAPE2.0".utf8) + [3, 1]
                        out.appendLittleEndian(loops, bytes: 2)
                        out.append(0)
                    } else {
                        removed.append("application extension")
                    }
                case 0xFE: removed.append("comment")
                case 0x01: removed.append("plain text")
                default: removed.append("extension \(label)")
                }
            default:
                throw .malformed("block \(introducer)")
            }
        }
    }

    /// Data sub-blocks (a length byte, that many bytes) up to the empty one, returned with their length bytes.
    private static func subBlocks(_ reader: inout ByteReader) throws(ImageDefect) -> [UInt8] {
        var blocks: [UInt8] = []
        while true {
            let size = try reader.byte()
            blocks.append(size)
            if size == 0 { return blocks }
            blocks += try reader.take(Int(size))
        }
    }

    /// The repeat count of an animation's loop extension, when that is all the extension is.
    private static func loopCount(_ blocks: [UInt8]) -> Int? {
        guard blocks.count == 17, blocks[0] == 11 else { return nil }
        let name = blocks[1..<12]
        guard name.starts(with: "NETSCAPE2.0") || name.starts(with: "ANIMEXTS1.0") else { return nil }
        guard blocks[12] == 3, blocks[13] == 1, blocks[16] == 0 else { return nil }
        return Int(blocks[14]) | Int(blocks[15]) << 8
    }
}
