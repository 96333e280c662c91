/// What a message on a basic channel asks for. People type on a basic phone, so the words are forgiving:
/// any case, any spacing, a tracking ID with or without its dash.
///
///     LAPOR <text>                 file a new report
///     CEK <tracking id>            ask where a report stands
///     BALAS <tracking id> <text>   reply to an answer (or to a question)
public enum ChannelCommand: Equatable, Sendable {
    case report(text: String)
    case check(TrackingID)
    case reply(TrackingID, text: String)
    /// A keyword with something missing or malformed after it: the sender gets the grammar back.
    case malformed(keyword: String)
    /// No keyword at all. SMS answers with help; conversational channels treat it as a report or a reply.
    case freeText(String)
    case empty

    public static let keywords = ["LAPOR", "CEK", "BALAS"]

    public static func parse(_ raw: String) -> ChannelCommand {
        let text = TextNormalizer.multiLine(raw).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .empty }
        let (first, rest) = splitFirstWord(text)
        switch first.uppercased() {
        case "LAPOR":
            return rest.isEmpty ? .malformed(keyword: "LAPOR") : .report(text: rest)
        case "CEK":
            let (id, extra) = trackingID(in: rest)
            guard let id, extra.isEmpty else { return .malformed(keyword: "CEK") }
            return .check(id)
        case "BALAS":
            let (id, extra) = trackingID(in: rest)
            guard let id, !extra.isEmpty else { return .malformed(keyword: "BALAS") }
            return .reply(id, text: extra)
        default:
            return .freeText(text)
        }
    }

    /// The tracking ID at the start of `text` (as one word, or as two halves typed with a space), and the rest.
    static func trackingID(in text: String) -> (TrackingID?, String) {
        let (first, rest) = splitFirstWord(text)
        if let id = TrackingID(parsing: first) { return (id, rest) }
        let (second, after) = splitFirstWord(rest)
        if let id = TrackingID(parsing: first + second) { return (id, after) }
        return (nil, text)
    }

    static func splitFirstWord(_ text: String) -> (String, String) {
        let trimmed = text.drop { $0.isWhitespace || $0.isNewline }
        guard let end = trimmed.firstIndex(where: { $0.isWhitespace || $0.isNewline }) else { return (String(trimmed), "") }
        let rest = trimmed[end...].drop { $0.isWhitespace || $0.isNewline }
        return (String(trimmed[..<end]), String(rest))
    }
}
