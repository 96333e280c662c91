/// Why an image was refused: it cannot be cleaned with certainty, so it is not kept at all.
public enum ImageDefect: Error, Equatable, Sendable {
    /// The file ends before its structure does (an interrupted upload, a cut-off download).
    case truncated
    /// The bytes do not follow the format's rules; `detail` says which, for logs and tests.
    case malformed(String)
}
