import ImageMetadata
import Testing

/// Each format as phones and editors write it: everything planted is gone, the picture and its orientation stay.
@Suite struct MetadataStripperTests {
    @Test(arguments: Fixture.allCases) func nothingPlantedIsLeft(_ fixture: Fixture) throws {
        let original = fixture.bytes
        #expect(original.contains(text: "planted"), "the fixture must carry what the test looks for")
        let clean = try MetadataStripper.strip(original, as: fixture.format)
        #expect(!clean.bytes.contains(text: "planted"))
        #expect(!clean.bytes.contains(text: "xmpmeta"))
        #expect(clean.bytes.count < original.count)
    }

    @Test(arguments: Fixture.allCases) func strippingTwiceChangesNothingMore(_ fixture: Fixture) throws {
        let once = try MetadataStripper.strip(fixture.bytes, as: fixture.format)
        let twice = try MetadataStripper.strip(once.bytes, as: fixture.format)
        #expect(twice.bytes == once.bytes)
        #expect(twice.orientation == once.orientation)
    }

    @Test func aPhoneJPEGKeepsItsPictureColourAndOrientationOnly() throws {
        let original = Fixture.jpeg.bytes
        let clean = try MetadataStripper.strip(original, as: .jpeg)
        #expect(clean.orientation == 6)
        #expect(clean.removed.starts(with: ["EXIF", "XMP", "APP2", "IPTC", "comment"]))
        #expect(clean.removed.last == "data after the end")

        let segments = jpegSegments(clean.bytes)
        let exif = try #require(segments.first { $0.marker == 0xE1 })
        // "Exif\0\0", a big-endian TIFF header, one directory with one entry (0x0112 = 6), no next directory.
        #expect(exif.payload == Array("Exif\0\0MM".utf8) + [0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0])
        #expect(segments.filter { $0.marker == 0xE1 }.count == 1)
        #expect(segments.contains { $0.marker == 0xE2 && $0.payload.starts(with: Array("ICC_PROFILE\0".utf8)) })
        #expect(!segments.contains { $0.marker == 0xFE || $0.marker == 0xED })
        let jfif = try #require(segments.first { $0.marker == 0xE0 })
        #expect(jfif.payload.count == 14 && jfif.payload.suffix(2) == [0, 0], "JFIF without a thumbnail")

        // The compressed picture is copied byte for byte: from its scan (the last, the thumbnail's comes earlier
        // inside EXIF) to the end marker.
        func scan(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
            let start = (0..<bytes.count - 1).last { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA }!
            let end = (start..<bytes.count - 1).last { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xD9 }!
            return bytes[start...end + 1]
        }
        #expect(scan(clean.bytes) == scan(original))
        #expect(clean.bytes.suffix(2) == [0xFF, 0xD9], "nothing after the end marker")
    }

    @Test func aPNGKeepsOnlyRenderingChunksAndAnOrientation() throws {
        let clean = try MetadataStripper.strip(Fixture.png.bytes, as: .png)
        #expect(clean.orientation == 8)
        #expect(Set(clean.removed).isSuperset(of: ["tEXt", "zTXt", "iTXt", "tIME", "eXIf", "prVt"]))
        let types = pngChunkTypes(clean.bytes)
        #expect(types.first == "IHDR" && types[1] == "eXIf" && types.last == "IEND")
        #expect(types.filter { $0 == "eXIf" }.count == 1)
        #expect(!types.contains { ["tEXt", "zTXt", "iTXt", "tIME", "prVt"].contains($0) })
    }

    @Test func aWebPLosesEXIFAndXMPAndItsFlagsSaySo() throws {
        let clean = try MetadataStripper.strip(Fixture.webp.bytes, as: .webp)
        #expect(clean.orientation == 3)
        #expect(clean.removed.contains("XMP"))
        let codes = webpChunkCodes(clean.bytes)
        #expect(codes.first == "VP8X" && codes.contains("ICCP") && codes.last == "EXIF")
        #expect(!codes.contains("XMP "))
        let flags = clean.bytes[20]
        #expect(flags & 0x08 != 0, "EXIF flag: the orientation is there")
        #expect(flags & 0x04 == 0, "XMP flag cleared")
        #expect(flags & 0x20 != 0, "ICC flag kept with the profile")
        let riffSize = clean.bytes[4..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(riffSize + 8 == clean.bytes.count)
    }

    @Test func aGIFLosesCommentsAndXMPButKeepsItsLoop() throws {
        let clean = try MetadataStripper.strip(Fixture.gif.bytes, as: .gif)
        #expect(clean.removed.contains("comment"))
        #expect(clean.removed.contains("application extension"))
        #expect(clean.bytes.contains(text: "NETSCAPE2.0"), "the loop count is all that is kept of application data")
        #expect(clean.bytes.last == 0x3B)
    }

    @Test func anUprightOrNoOrientationAddsNoEXIF() throws {
        // The JPEG's orientation byte turned to 1 (upright): the clean file then has no APP1 at all.
        var upright = Fixture.jpeg.bytes
        let tag: [UInt8] = [0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06]
        let at = try #require((0..<upright.count - tag.count).first { upright[$0..<$0 + tag.count].elementsEqual(tag) })
        upright[at + 8] = 1
        let clean = try MetadataStripper.strip(upright, as: .jpeg)
        #expect(clean.orientation == nil)
        #expect(!jpegSegments(clean.bytes).contains { $0.marker == 0xE1 })
    }

    @Test func notAnImageIsRefused() {
        #expect(throws: ImageDefect.self) { try MetadataStripper.strip([], as: .jpeg) }
        #expect(throws: ImageDefect.self) { try MetadataStripper.strip(Array("%PDF-1.7".utf8), as: .png) }
        #expect(throws: ImageDefect.self) { try MetadataStripper.strip(Fixture.png.bytes, as: .jpeg) }
        // A JPEG of markers only: no frame, no scan.
        #expect(throws: ImageDefect.self) { try MetadataStripper.strip([0xFF, 0xD8, 0xFF, 0xFE, 0, 4, 65, 65, 0xFF, 0xD9], as: .jpeg) }
    }
}
