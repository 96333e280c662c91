import Foundation

/// Reads an RFC 822 / MIME e-mail: headers (unfolded, encoded words decoded), the plain text, and the files.
/// Only what Tanggap needs of a citizen's e-mail; anything it cannot read is an error, never a guess.
struct MIMEMessage {
    struct Part {
        var headers: [String: String]
        var body: Data
    }

    struct File {
        let name: String
        let data: Data
    }

    let headers: [String: String]
    let text: String
    let files: [File]

    static let maxDepth = 5

    init(raw: Data) throws {
        let top = try Self.split(raw)
        headers = top.headers
        var texts: [String] = [], htmls: [String] = [], files: [File] = []
        try Self.collect(top, depth: 0, texts: &texts, htmls: &htmls, files: &files)
        text = texts.first ?? htmls.first.map(Self.strippingTags) ?? ""
        self.files = files
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// `Name <address>` or a bare address.
    var fromAddress: String? {
        guard let from = header("From") else { return nil }
        if let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close {
            return String(from[from.index(after: open)..<close])
        }
        return from.trimmingCharacters(in: .whitespaces)
    }

    var fromName: String? {
        guard let from = header("From"), let open = from.lastIndex(of: "<") else { return nil }
        let name = from[..<open].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
        return name.isEmpty ? nil : name
    }

    // MARK: Structure

    private static func split(_ data: Data) throws -> Part {
        let bytes = [UInt8](data)
        var index = 0, headerEnd: Int?, bodyStart = bytes.count
        while index < bytes.count {
            if bytes[index] == 10 {
                if index + 1 < bytes.count, bytes[index + 1] == 10 {
                    headerEnd = index
                    bodyStart = index + 2
                    break
                }
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 {
                    headerEnd = index
                    bodyStart = index + 3
                    break
                }
            }
            index += 1
        }
        let headerBytes = bytes[..<(headerEnd ?? bytes.count)]
        guard let headerText = String(bytes: headerBytes, encoding: .utf8) ?? String(bytes: headerBytes, encoding: .isoLatin1) else {
            throw MIMEError.unreadable
        }
        var headers: [String: String] = [:]
        var current: (String, String)?
        let lines = headerText.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "")
        for line in lines.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", current != nil {
                current!.1 += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            if let (name, value) = current { headers[name] = headers[name] ?? decodeWords(value) }
            guard let colon = line.firstIndex(of: ":") else {
                current = nil
                continue
            }
            current = (
                line[..<colon].trimmingCharacters(in: .whitespaces).lowercased(),
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            )
        }
        if let (name, value) = current { headers[name] = headers[name] ?? decodeWords(value) }
        return Part(headers: headers, body: Data(bytes[min(bodyStart, bytes.count)...]))
    }

    private static func collect(_ part: Part, depth: Int, texts: inout [String], htmls: inout [String], files: inout [File]) throws {
        guard depth <= maxDepth else { throw MIMEError.tooDeep }
        let (type, parameters) = contentType(part.headers["content-type"])
        if type.hasPrefix("multipart/") {
            guard let boundary = parameters["boundary"], !boundary.isEmpty else { throw MIMEError.noBoundary }
            for child in try children(of: part.body, boundary: boundary) {
                try collect(try split(child), depth: depth + 1, texts: &texts, htmls: &htmls, files: &files)
            }
            return
        }
        let data = try decodeTransfer(part.body, encoding: part.headers["content-transfer-encoding"])
        let disposition = contentType(part.headers["content-disposition"])
        let name = disposition.1["filename"] ?? parameters["name"]
        if disposition.0 == "attachment" || (name != nil && !type.hasPrefix("text/")) {
            files.append(File(name: name ?? "lampiran", data: data))
        } else if type == "text/plain" || type.isEmpty {
            texts.append(decodeText(data, charset: parameters["charset"]))
        } else if type == "text/html" {
            htmls.append(decodeText(data, charset: parameters["charset"]))
        }
    }

    /// The parts between the boundaries. Split in Latin-1, which maps bytes one to one, so binary parts survive.
    private static func children(of body: Data, boundary: String) throws -> [Data] {
        guard let text = String(data: body, encoding: .isoLatin1) else { throw MIMEError.unreadable }
        let delimiter = "--" + boundary
        var parts: [Data] = []
        let sections = text.components(separatedBy: delimiter)
        guard sections.count >= 2 else { throw MIMEError.noBoundary }
        for section in sections.dropFirst() {
            if section.hasPrefix("--") { break }
            // Bytes, not characters: "\r\n" is one Character in Swift, and a line break is not to be miscounted.
            var content = ArraySlice(Array(section.unicodeScalars).map { UInt8(truncatingIfNeeded: $0.value) })
            if content.starts(with: [13, 10]) {
                content = content.dropFirst(2)
            } else if content.first == 10 {
                content = content.dropFirst()
            }
            if content.suffix(2).elementsEqual([13, 10]) {
                content = content.dropLast(2)
            } else if content.last == 10 {
                content = content.dropLast()
            }
            let data = Data(content)
            parts.append(data)
        }
        return parts
    }

    // MARK: Encodings

    static func contentType(_ header: String?) -> (String, [String: String]) {
        guard let header else { return ("", [:]) }
        let pieces = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = piece[piece.index(after: equals)...].trimmingCharacters(in: CharacterSet(charactersIn: " \"\t\r\n"))
            parameters[name] = value
        }
        return ((pieces.first ?? "").lowercased(), parameters)
    }

    static func decodeTransfer(_ data: Data, encoding: String?) throws -> Data {
        switch encoding?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "base64":
            let compact = String(decoding: data, as: UTF8.self).filter { !$0.isWhitespace }
            guard let decoded = Data(base64Encoded: compact) else { throw MIMEError.badBase64 }
            return decoded
        case "quoted-printable":
            return quotedPrintable(data, underscoresAreSpaces: false)
        default:
            return data
        }
    }

    static func quotedPrintable(_ data: Data, underscoresAreSpaces: Bool) -> Data {
        let bytes = [UInt8](data)
        var out: [UInt8] = [], index = 0
        func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: byte - 48
            case 65...70: byte - 55
            case 97...102: byte - 87
            default: nil
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 61 {  // "="
                if index + 1 < bytes.count, bytes[index + 1] == 10 {
                    index += 2
                    continue
                }
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 {
                    index += 3
                    continue
                }
                if index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            out.append(underscoresAreSpaces && byte == 95 ? 32 : byte)
            index += 1
        }
        return Data(out)
    }

    static func decodeText(_ data: Data, charset: String?) -> String {
        switch charset?.lowercased() {
        case "iso-8859-1", "latin1": String(data: data, encoding: .isoLatin1) ?? ""
        case "windows-1252", "cp1252": String(data: data, encoding: .windowsCP1252) ?? ""
        default: String(decoding: data, as: UTF8.self)
        }
    }

    /// `=?UTF-8?B?…?=` and `=?UTF-8?Q?…?=` words in a header (RFC 2047).
    static func decodeWords(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var result = "", rest = Substring(value), lastWasWord = false
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            let pieces = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard pieces.count == 4, pieces[3].hasPrefix("=") else { break }
            if !(lastWasWord && before.allSatisfy(\.isWhitespace)) { result += before }
            let charset = String(pieces[0]), mode = pieces[1].uppercased(), encoded = Data(pieces[2].utf8)
            let bytes = mode == "B" ? Data(base64Encoded: String(pieces[2])) : quotedPrintable(encoded, underscoresAreSpaces: true)
            result += bytes.map { decodeText($0, charset: charset) } ?? String(pieces[2])
            rest = pieces[3].dropFirst()
            lastWasWord = true
        }
        return result + rest
    }

    static func strippingTags(_ html: String) -> String {
        html.replacingOccurrences(of: "<br[^>]*>|</p>", with: "\n", options: .regularExpression)
            .replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }

    /// The new words of a reply: the quoted message below "On … wrote:" and lines starting with ">" go.
    static func newText(of reply: String) -> String {
        var kept: [Substring] = []
        for line in reply.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(">") { continue }
            if (trimmed.hasPrefix("On ") && trimmed.hasSuffix("wrote:")) || (trimmed.hasPrefix("Pada ") && trimmed.hasSuffix("menulis:")) {
                break
            }
            if trimmed.hasPrefix("-----Original Message") || trimmed.hasPrefix("-----Pesan Asli") { break }
            kept.append(line)
        }
        return kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    enum MIMEError: Error {
        case unreadable, noBoundary, badBase64, tooDeep
    }
}
