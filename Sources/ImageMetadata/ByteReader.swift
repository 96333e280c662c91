/// Reads a byte array front to back, every read checked against the end: a hostile or broken file can make a
/// read fail, never make one run past the buffer.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], at offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    mutating func byte() throws(ImageDefect) -> UInt8 {
        guard offset < bytes.count else { throw .truncated }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func take(_ count: Int) throws(ImageDefect) -> ArraySlice<UInt8> {
        guard count >= 0 else { throw .malformed("negative length") }
        guard count <= remaining else { throw .truncated }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func skip(_ count: Int) throws(ImageDefect) { _ = try take(count) }

    mutating func uint16BigEndian() throws(ImageDefect) -> Int {
        let two = try take(2)
        return Int(two[two.startIndex]) << 8 | Int(two[two.startIndex + 1])
    }

    mutating func uint16LittleEndian() throws(ImageDefect) -> Int {
        let two = try take(2)
        return Int(two[two.startIndex]) | Int(two[two.startIndex + 1]) << 8
    }

    mutating func uint32BigEndian() throws(ImageDefect) -> Int {
        let four = try take(4)
        return four.reduce(0) { $0 << 8 | Int($1) }
    }

    mutating func uint32LittleEndian() throws(ImageDefect) -> Int {
        let four = try take(4)
        return four.reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// Moves back to an earlier position (a marker found by scanning is read again as a marker).
    mutating func rewind(to position: Int) { offset = min(max(0, position), bytes.count) }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: Int, bytes count: Int) {
        for shift in stride(from: (count - 1) * 8, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func appendLittleEndian(_ value: Int, bytes count: Int) {
        for shift in stride(from: 0, to: count * 8, by: 8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
}

extension Collection where Element == UInt8 {
    func starts(with text: String) -> Bool { starts(with: Array(text.utf8)) }
}
