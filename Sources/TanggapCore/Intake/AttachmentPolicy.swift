/// The kinds of file a report may carry: photos and PDF documents. The kind is read from the file's first
/// bytes, never from its name or the type the client claims.
public enum AttachmentKind: String, CaseIterable, Codable, Sendable {
    case jpeg, png, gif, webp, pdf

    public var contentType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .pdf: "application/pdf"
        }
    }

    public var fileExtensions: [String] {
        switch self {
        case .jpeg: ["jpg", "jpeg", "jpe", "jfif"]
        case .png: ["png"]
        case .gif: ["gif"]
        case .webp: ["webp"]
        case .pdf: ["pdf"]
        }
    }

    public var isImage: Bool { self != .pdf }

    /// Recognises a file from its first bytes (at least 12 are needed).
    public static func sniff(_ head: some Collection<UInt8>) -> AttachmentKind? {
        let bytes = Array(head.prefix(12))
        func starts(_ signature: [UInt8]) -> Bool { bytes.starts(with: signature) }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if bytes.count >= 12, starts(Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return .webp }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        return nil
    }
}

/// A file as it arrives with a request, before it is accepted.
public struct IncomingFile: Sendable {
    public let name: String
    public let size: Int
    /// The first bytes of the content (the whole content is fine too).
    public let head: [UInt8]

    public init(name: String, size: Int, head: [UInt8]) {
        self.name = name
        self.size = size
        self.head = head
    }
}

/// A file that passed the checks.
public struct AcceptedFile: Hashable, Sendable {
    public let index: Int
    public let kind: AttachmentKind
    /// The name to show, stripped of folders and anything unprintable.
    public let displayName: String
}

public enum AttachmentPolicy {
    public static let maxFiles = 5
    /// The national system's limit for all attachments of one report together.
    public static let defaultTotalLimit = 2 * 1024 * 1024

    /// Checks a set of files against the rules; every problem is reported against `field` with the file's
    /// position (`attachments[1]`).
    public static func check(
        _ files: [IncomingFile], field: String = "attachments", totalLimit: Int = defaultTotalLimit
    ) -> Result<[AcceptedFile], ValidationFailure> {
        var check = FieldChecker()
        if files.count > maxFiles {
            check.add(field, .tooMany, limit: maxFiles)
            return .failure(ValidationFailure(check.errors))
        }
        var accepted: [AcceptedFile] = []
        for (index, file) in files.enumerated() {
            let slot = "\(field)[\(index)]"
            guard file.size > 0 else {
                check.add(slot, .required)
                continue
            }
            guard let kind = AttachmentKind.sniff(file.head) else {
                check.add(slot, .unsupportedType)
                continue
            }
            let name = displayName(file.name, kind: kind)
            if let claimed = fileExtension(of: file.name), !kind.fileExtensions.contains(claimed) {
                check.add(slot, .typeMismatch)
                continue
            }
            accepted.append(AcceptedFile(index: index, kind: kind, displayName: name))
        }
        if files.reduce(0, { $0 + $1.size }) > totalLimit {
            check.add(field, .tooLarge, limit: totalLimit)
        }
        return check.errors.isEmpty ? .success(accepted) : .failure(ValidationFailure(check.errors))
    }

    /// The last path component, cleaned, at most 120 characters; a neutral name when nothing is left.
    public static func displayName(_ raw: String, kind: AttachmentKind) -> String {
        let lastComponent = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = TextNormalizer.singleLine(lastComponent)
        while name.hasPrefix(".") { name.removeFirst() }
        if name.count > 120 { name = String(name.suffix(120)) }
        return name.isEmpty ? "lampiran.\(kind.fileExtensions[0])" : name
    }

    private static func fileExtension(of name: String) -> String? {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? ""
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return nil }
        let ext = last[last.index(after: dot)...].lowercased()
        return ext.isEmpty ? nil : ext
    }
}
