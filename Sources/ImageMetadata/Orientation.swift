/// The one piece of EXIF a picture needs to be shown the right way up: tag 0x0112 of the first image directory,
/// 1 (upright) to 8. Everything else in EXIF (GPS, camera owner, serial numbers, thumbnails) is dropped.
public enum Orientation {
    /// The orientation held in a TIFF structure (the body of EXIF), or nil when there is none or it cannot be read.
    /// A broken EXIF block is not a broken picture: it is dropped either way, so it only costs the orientation.
    static func read(tiff: ArraySlice<UInt8>) -> Int? {
        let tiff = Array(tiff)
        guard tiff.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x4D, 0x4D): bigEndian = true
        case (0x49, 0x49): bigEndian = false
        default: return nil
        }
        func number(_ reader: inout ByteReader, _ size: Int) throws(ImageDefect) -> Int {
            switch (size, bigEndian) {
            case (2, true): try reader.uint16BigEndian()
            case (2, false): try reader.uint16LittleEndian()
            case (_, true): try reader.uint32BigEndian()
            default: try reader.uint32LittleEndian()
            }
        }
        do {
            var reader = ByteReader(tiff, at: 2)
            guard try number(&reader, 2) == 42 else { return nil }
            let directory = try number(&reader, 4)
            guard directory >= 8, directory < tiff.count else { return nil }
            reader.rewind(to: directory)
            let entries = try number(&reader, 2)
            for _ in 0..<min(entries, 1_000) {
                let tag = try number(&reader, 2)
                let type = try number(&reader, 2)
                let count = try number(&reader, 4)
                let value = try number(&reader, 2)
                try reader.skip(2)
                if tag == 0x0112 {
                    return type == 3 && count == 1 && (1...8).contains(value) ? value : nil
                }
            }
        } catch {
            return nil
        }
        return nil
    }

    /// A TIFF structure that holds the orientation and nothing else: 26 bytes.
    static func minimalTIFF(_ orientation: Int) -> [UInt8] {
        var tiff: [UInt8] = Array("MM".utf8)
        tiff.appendBigEndian(42, bytes: 2)
        tiff.appendBigEndian(8, bytes: 4)  // the first directory follows the header
        tiff.appendBigEndian(1, bytes: 2)  // one entry
        tiff.appendBigEndian(0x0112, bytes: 2)
        tiff.appendBigEndian(3, bytes: 2)  // SHORT
        tiff.appendBigEndian(1, bytes: 4)
        tiff.appendBigEndian(orientation, bytes: 2)
        tiff.appendBigEndian(0, bytes: 2)
        tiff.appendBigEndian(0, bytes: 4)  // no next directory (no thumbnail)
        return tiff
    }

    /// Only a turned or mirrored picture needs the tag carried over; upright is the default.
    static func needsKeeping(_ orientation: Int?) -> Int? {
        guard let orientation, orientation != 1 else { return nil }
        return orientation
    }
}
