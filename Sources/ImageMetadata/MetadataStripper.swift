/// The image containers a report may carry.
public enum ImageFormat: String, CaseIterable, Sendable {
    case jpeg, png, gif, webp
}

/// An image rewritten without what it said about its maker: the picture's own data is copied untouched.
public struct CleanImage: Equatable, Sendable {
    public let bytes: [UInt8]
    /// The orientation carried over (2…8), nil when the picture is upright or said nothing.
    public let orientation: Int?
    /// What was taken out, by name ("EXIF", "XMP", "comment", …), in the order found; for logs and tests.
    public let removed: [String]
}

/// Strips metadata from images by rewriting their container: segments and chunks that describe the picture's
/// rendering are kept, everything else is dropped (an allow-list, so a new kind of metadata is dropped too).
///
/// Why our own parser and no image library: none is on the package list, and decoding and re-encoding would
/// change every pixel and cost far more than copying the compressed data (see docs/decisions).
public enum MetadataStripper {
    public static func strip(_ bytes: [UInt8], as format: ImageFormat) throws(ImageDefect) -> CleanImage {
        switch format {
        case .jpeg: try JPEGStripper.strip(bytes)
        case .png: try PNGStripper.strip(bytes)
        case .gif: try GIFStripper.strip(bytes)
        case .webp: try WebPStripper.strip(bytes)
        }
    }
}
