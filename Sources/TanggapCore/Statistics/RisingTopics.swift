/// The week's rising topics: words (and categories) that more reports mention this week than in an average
/// week of the four before it. Counted per report, so one long text does not make a topic.
public enum RisingTopics {
    public struct Topic: Equatable, Sendable {
        public let term: String
        public let thisWeek: Int
        /// Reports per week mentioning it, on average over the weeks before.
        public let weeklyBefore: Double

        public init(term: String, thisWeek: Int, weeklyBefore: Double) {
            self.term = term
            self.thisWeek = thisWeek
            self.weeklyBefore = weeklyBefore
        }
    }

    /// Words too common in complaints to say anything.
    static let stopwords: Set<String> = [
        "yang", "dan", "dari", "untuk", "dengan", "tidak", "sudah", "belum", "pada", "karena", "sejak", "mohon", "kami", "saya",
        "atau", "akan", "dalam", "tersebut", "juga", "oleh", "agar", "bisa", "para", "sangat", "masih", "lagi", "ada", "ini", "itu",
        "kepada", "bahwa", "setiap", "hari", "minggu", "bulan", "tahun", "desa", "kecamatan", "kabupaten", "kota", "jalan",
    ]

    /// The distinct words of a text worth counting: lower case, letters only, at least four of them, not a stopword.
    /// Read scalar by scalar, ASCII first: splitting into characters and asking Unicode about each was a fifth of
    /// the national weekly review's time. Text is stored composed (`TextNormalizer`), so a letter is one scalar.
    public static func terms(in text: String) -> Set<String> {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiTerms(in: text) }
        var terms = Set<String>()
        var word = String.UnicodeScalarView()
        var length = 0
        func finishWord() {
            keep(letters: length, String(word), in: &terms)
            word = String.UnicodeScalarView()
            length = 0
        }
        for scalar in text.lowercased().unicodeScalars {
            let isLetter = scalar.isASCII ? scalar.value >= 97 && scalar.value <= 122 : scalar.properties.isAlphabetic
            if isLetter {
                word.append(scalar)
                length += 1
            } else if length > 0 {
                finishWord()
            }
        }
        finishWord()
        return terms
    }

    /// `terms(in:)` for text that is all ASCII (most titles), byte by byte: the same words, without building
    /// scalars and a lower-cased copy (a seventh of the national weekly review's page).
    private static func asciiTerms(in text: String) -> Set<String> {
        var terms = Set<String>()
        var word: [UInt8] = []
        word.reserveCapacity(32)
        func finishWord() {
            keep(letters: word.count, String(decoding: word, as: UTF8.self), in: &terms)
            word.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            let lower = byte >= 65 && byte <= 90 ? byte + 32 : byte  // A–Z to a–z
            if lower >= 97 && lower <= 122 {
                word.append(lower)
            } else if !word.isEmpty {
                finishWord()
            }
        }
        finishWord()
        return terms
    }

    /// The one rule both readings share: a word of at least four letters that is not a stopword is counted. The word
    /// is only built when it is long enough.
    private static func keep(letters: Int, _ word: @autoclosure () -> String, in terms: inout Set<String>) {
        guard letters >= 4 else { return }
        let term = word()
        if !stopwords.contains(term) { terms.insert(term) }
    }

    /// The share of a period's reports that was read, when only a sample was (1: all of them).
    public struct Coverage: Sendable {
        public var thisWeek: Double
        public var before: Double

        public init(thisWeek: Double = 1, before: Double = 1) {
            self.thisWeek = thisWeek
            self.before = before
        }
    }

    /// `thisWeek` and `before` hold one set of terms per report; `weeks` is how many weeks `before` spans. When they are
    /// samples, `coverage` says what share of the reports each holds, and counts are scaled back to all reports;
    /// `minimum` applies to what was read, so a word met once in a sample is not made a topic.
    public static func rising(
        thisWeek: [Set<String>], before: [Set<String>], weeks: Int = 4, minimum: Int = 2, limit: Int = 10, coverage: Coverage = Coverage()
    ) -> [Topic] {
        func tally(_ reports: [Set<String>]) -> [String: Int] {
            reports.reduce(into: [:]) { counts, terms in for term in terms { counts[term, default: 0] += 1 } }
        }
        let now = tally(thisWeek), earlier = tally(before)
        return now.compactMap { term, read -> Topic? in
            let count = Int((Double(read) / coverage.thisWeek).rounded())
            let average = Double(earlier[term] ?? 0) / coverage.before / Double(max(weeks, 1))
            guard read >= minimum, Double(count) > average else { return nil }
            return Topic(term: term, thisWeek: count, weeklyBefore: average)
        }
        .sorted { a, b in
            let riseA = Double(a.thisWeek) - a.weeklyBefore, riseB = Double(b.thisWeek) - b.weeklyBefore
            return riseA != riseB ? riseA > riseB : a.term < b.term
        }
        .prefix(limit).map { $0 }
    }
}
