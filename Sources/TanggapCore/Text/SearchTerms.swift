/// What a search looks for: the words of what was typed, each matched as the start of a word in a report's title or
/// text ("lampu" finds "lampu" and "lampunya"), all of them required. Only letters and digits make a word, so
/// nothing typed can reach the search engine's own syntax.
public enum SearchTerms {
    public static let maximumWords = 8
    public static let maximumWordLength = 40

    public static func words(in text: String) -> [String] {
        var words: [String] = []
        var current = ""
        func finish() {
            let word = String(current.prefix(maximumWordLength))
            if !word.isEmpty && !words.contains(word) && words.count < maximumWords { words.append(word) }
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber { current.append(character) } else { finish() }
        }
        finish()
        return words
    }
}
