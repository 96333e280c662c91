import Foundation

/// How e-mail addresses and phone numbers are checked and written down, so that one person is one address.
public enum ContactRules {
    /// A plausible address, lower-cased; nil when it is not one. Deliverability is the mail server's business.
    public static func email(_ input: String) -> String? {
        let text = input.trimmingCharacters(in: .whitespaces).lowercased()
        guard text.count <= 254, !text.contains(where: { $0.isWhitespace || $0.isNewline }) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return nil }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }),
            domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }),
            !parts[0].contains(where: { "<>()[]\\,;:\"".contains($0) })
        else { return nil }
        return text
    }

    /// A phone number in international form (`+628123456789`); a national Indonesian number (`0812…`) is
    /// written with +62. Nil when it is not a phone number.
    public static func phone(_ input: String) -> String? {
        var text = input.filter { !" -().".contains($0) }
        guard text.count <= 20 else { return nil }
        if text.hasPrefix("+") {
            text.removeFirst()
        } else if text.hasPrefix("00") {
            text.removeFirst(2)
        } else if text.hasPrefix("0") {
            text = "62" + text.dropFirst()
        }
        guard (8...15).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }), !text.hasPrefix("0")
        else { return nil }
        return "+" + text
    }
}
