import Foundation

/// Cleans what people type before it is stored: invisible and control characters out, one Unicode form.
/// Cleaning never changes the meaning of the text, so the reporter's original words stay theirs.
public enum TextNormalizer {
    /// For titles, names, short labels: one line, single spaces.
    public static func singleLine(_ text: String) -> String {
        if isPlain(text, newlines: false) { return plainSingleLine(text) }
        var result = ""
        var pendingSpace = false
        for scalar in stripped(text).unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.unicodeScalars.append(scalar)
        }
        return result.precomposedStringWithCanonicalMapping
    }

    /// For bodies, answers, notes: line breaks kept (at most one empty line in a row), trailing spaces gone.
    public static func multiLine(_ text: String) -> String {
        if isPlain(text, newlines: true) { return plainMultiLine(text) }
        // Replacing costs more than the rest of the cleaning; most text has no carriage return or tab to replace.
        let unified =
            text.utf8.contains(13) ? text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : text
        let lines = spaced(
            stripped(unified, keepNewlines: true).split(separator: "\n", omittingEmptySubsequences: false).map { rawLine in
                let line = rawLine.utf8.contains(9) ? String(rawLine).replacingOccurrences(of: "\t", with: " ") : String(rawLine)
                return String(line.reversed().drop(while: { $0.isWhitespace }).reversed())
            })
        let joined = lines.joined(separator: "\n")
        return String(joined.drop(while: { $0.isWhitespace })).precomposedStringWithCanonicalMapping
    }

    // MARK: Plain text
    // Most of what is typed is printable ASCII: nothing in it to strip or to compose, and its only white space is
    // the space (and the line feed). The same rules as above, byte by byte, at a fraction of the cost.

    private static func isPlain(_ text: String, newlines: Bool) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) || (newlines && $0 == 0x0A) }
    }

    private static func plainSingleLine(_ text: String) -> String {
        let words = text.utf8.split(separator: 0x20)
        return words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }

    private static func plainMultiLine(_ text: String) -> String {
        var lines = spaced(
            text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { rawLine in
                var line = rawLine
                while line.last == 0x20 { line.removeLast() }
                return line
            })
        if var first = lines.first {
            while first.first == 0x20 { first.removeFirst() }
            lines[0] = first
        }
        return lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    }

    /// Trimmed lines with at most one empty line in a row, and none at the start or the end.
    private static func spaced<Line: Collection>(_ lines: [Line]) -> [Line] {
        var kept: [Line] = []
        var blankRun = 0
        for line in lines {
            blankRun = line.isEmpty ? blankRun + 1 : 0
            if blankRun > 1 { continue }
            kept.append(line)
        }
        while kept.first?.isEmpty == true { kept.removeFirst() }
        while kept.last?.isEmpty == true { kept.removeLast() }
        return kept
    }

    /// True when nothing readable is left: no letter, digit, symbol or punctuation.
    public static func isBlank(_ text: String) -> Bool {
        !text.unicodeScalars.contains { scalar in
            !scalar.properties.isWhitespace && scalar.properties.generalCategory != .format
                && scalar.properties.generalCategory != .control
        }
    }

    /// Removes control characters and the invisible formatting characters that can disguise text
    /// (bidirectional overrides, zero-width spaces), keeping the joiners that emoji and scripts need.
    private static func stripped(_ text: String, keepNewlines: Bool = false) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control:
                if scalar == "\n" && keepNewlines {
                    scalars.append(scalar)
                } else if scalar == "\t" || scalar == "\n" {
                    scalars.append(" ")
                }
            case .format:
                if scalar == "\u{200C}" || scalar == "\u{200D}" { scalars.append(scalar) }
            case .lineSeparator, .paragraphSeparator:
                scalars.append(keepNewlines ? "\n" : " ")
            default:
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
