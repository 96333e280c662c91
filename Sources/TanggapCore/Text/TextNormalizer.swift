import Foundation

/// Cleans what people type before it is stored: invisible and control characters out, one Unicode form.
/// Cleaning never changes the meaning of the text, so the reporter's original words stay theirs.
public enum TextNormalizer {
    /// For titles, names, short labels: one line, single spaces.
    public static func singleLine(_ text: String) -> String {
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
        // Replacing costs more than the rest of the cleaning; most text has no carriage return or tab to replace.
        let unified = text.utf8.contains(13) ? text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : text
        var lines: [String] = []
        var blankRun = 0
        for rawLine in stripped(unified, keepNewlines: true).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.utf8.contains(9) ? String(rawLine).replacingOccurrences(of: "\t", with: " ") : String(rawLine)
            let trimmed = String(line.reversed().drop(while: { $0.isWhitespace }).reversed())
            if trimmed.isEmpty {
                blankRun += 1
                if blankRun > 1 { continue }
            } else {
                blankRun = 0
            }
            lines.append(trimmed)
        }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        let joined = lines.joined(separator: "\n")
        return String(joined.drop(while: { $0.isWhitespace })).precomposedStringWithCanonicalMapping
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
                if scalar == "\n" && keepNewlines { scalars.append(scalar) }
                else if scalar == "\t" || scalar == "\n" { scalars.append(" ") }
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
