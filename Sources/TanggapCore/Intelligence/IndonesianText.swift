/// Indonesian complaint text as a model reads it: the words people mean, whatever way they typed them. SMS and chat
/// spelling ("jln", "ga ada", "udh", "rusakkk", "jalan2") is brought to the standard word, so "jln rusak parahhh" and
/// "jalan rusak parah" are the same evidence; the little words that every complaint has are left out of it.
public enum IndonesianText {
    /// Shortenings and informal spellings, each to the word it stands for.
    public static let spellings: [String: String] = [
        "jln": "jalan", "jl": "jalan", "jalanan": "jalan", "yg": "yang", "dgn": "dengan", "dg": "dengan", "utk": "untuk",
        "untk": "untuk", "dr": "dari", "dri": "dari", "krn": "karena", "krna": "karena", "karna": "karena", "tdk": "tidak",
        "tak": "tidak", "ga": "tidak", "gak": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak", "gk": "tidak",
        "g": "tidak", "sdh": "sudah", "udh": "sudah", "udah": "sudah", "dah": "sudah", "blm": "belum", "blom": "belum",
        "msh": "masih", "masi": "masih", "bs": "bisa", "bisa2": "bisa", "tp": "tapi", "tpi": "tapi", "sm": "sama",
        "kalo": "kalau", "klo": "kalau", "kl": "kalau", "org": "orang", "orng": "orang", "thn": "tahun", "bln": "bulan",
        "mgg": "minggu", "hr": "hari", "skrg": "sekarang", "skr": "sekarang", "sy": "saya", "sya": "saya", "aq": "saya",
        "gw": "saya", "kmi": "kami", "kpd": "kepada", "pdhl": "padahal", "bgt": "banget", "bnyk": "banyak", "byk": "banyak",
        "lg": "lagi", "lgi": "lagi", "sj": "saja", "aja": "saja", "jg": "juga", "jga": "juga", "dlm": "dalam", "pd": "pada",
        "trs": "terus", "trus": "terus", "sblm": "sebelum", "stlh": "setelah", "mhn": "mohon", "tlg": "tolong",
        "tolongin": "tolong", "sklh": "sekolah", "skolah": "sekolah", "rs": "rumah sakit", "rsud": "rumah sakit",
        "puskes": "puskesmas", "pemkab": "pemerintah kabupaten", "pemkot": "pemerintah kota", "kec": "kecamatan",
        "kel": "kelurahan", "kab": "kabupaten", "ds": "desa", "ambrol": "ambruk", "rubuh": "roboh", "bolong": "berlubang",
        "lobang": "lubang", "mampet": "tersumbat", "mati2": "mati", "kmrn": "kemarin", "kmarin": "kemarin",
        "nyebrang": "menyeberang", "nyeberang": "menyeberang", "dkt": "dekat", "deket": "dekat", "bener": "benar",
    ]

    /// Words too common in complaints to tell one kind from another.
    public static let stopWords: Set<String> = [
        "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "dalam", "oleh", "atau", "juga", "saja", "itu", "ini",
        "ada", "tidak", "sudah", "belum", "masih", "akan", "bisa", "sangat", "banget", "lagi", "terus", "karena", "sejak",
        "tapi", "sama", "kalau", "padahal", "agar", "supaya", "mohon", "tolong", "saya", "kami", "kita", "kamu", "mereka",
        "dia", "nya", "para", "sebagai", "setiap", "adalah", "bahwa", "tersebut", "kepada", "bagi", "hingga", "sampai",
        "sekarang", "selama", "sebelum", "setelah", "pak", "bu", "bapak", "ibu", "terima", "kasih", "mas", "mbak",
        "apa", "kapan", "mengapa", "kenapa", "bagaimana", "gimana", "lah", "kah", "pun", "dong", "deh", "sih", "nih", "ya",
        "the", "a", "an",
    ]

    /// What the models read of a report: its title and its text as one. Learning and suggesting must read the same.
    public static func ofReport(title: String, body: String) -> String { title + ". " + body }

    /// The words of a text, lower case, each spelled the standard way. A word written twice with a `2`
    /// ("jalan2", "anak2") counts as the word; a letter held down ("parahhh") as one. It reads the text scalar by
    /// scalar (not by grapheme), since every look-alike search reads a few hundred texts.
    public static func words(in text: String) -> [String] {
        var words: [String] = []
        var current: [Unicode.Scalar] = []
        current.reserveCapacity(32)
        func finish() {
            defer { current.removeAll(keepingCapacity: true) }
            guard !current.isEmpty else { return }
            var word = squeezed(current)
            if word.count > 1, word.last == "2", word.dropLast().allSatisfy(isLetter) { word.removeLast() }
            let spelled = string(word)
            if let standard = spellings[spelled] {
                words += standard.split(separator: " ").map(String.init)
            } else if word.count <= 30 {
                words.append(spelled)
            }
        }
        for scalar in text.unicodeScalars {
            if let lowered = wordScalar(scalar) { current.append(lowered) } else { finish() }
        }
        finish()
        return words
    }

    /// The words that carry meaning: no stop-word, no number alone, at least two letters.
    public static func contentWords(in text: String) -> [String] {
        words(in: text).filter { $0.utf8.count > 1 && !stopWords.contains($0) && !$0.unicodeScalars.allSatisfy(isDigit) }
    }

    /// A scalar of a word (a letter or a digit) in lower case; nil for what separates words.
    static func wordScalar(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x61...0x7A, 0x30...0x39: return scalar
        case 0x41...0x5A: return Unicode.Scalar(scalar.value + 0x20)
        case 0..<0x80: return nil
        default:
            let properties = scalar.properties
            guard properties.isAlphabetic || properties.numericType != nil else { return nil }
            let lower = properties.lowercaseMapping.unicodeScalars
            return lower.count == 1 ? lower.first : scalar
        }
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (0x61...0x7A).contains(scalar.value) || (0x41...0x5A).contains(scalar.value) : scalar.properties.isAlphabetic
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? (0x30...0x39).contains(scalar.value) : scalar.properties.numericType != nil
    }

    /// A string of scalars, through UTF-8 (far cheaper than appending scalars to a string one by one).
    static func string<Scalars: Sequence<Unicode.Scalar>>(_ scalars: Scalars) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.underestimatedCount)
        for scalar in scalars {
            if scalar.isASCII { bytes.append(UInt8(scalar.value)) } else { UTF8.encode(scalar) { bytes.append($0) } }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What a model counts of a text: its content words (`w:`), each pair of neighbouring content words (`b:`), and the
    /// four-letter pieces of each word with its edges marked (`c:`), which still match when a word is misspelt or
    /// carries an affix ("perbaikan" and "diperbaiki" share `c:baik`).
    public static func features(of text: String) -> [String] {
        let content = contentWords(in: text)
        var features: [String] = []
        features.reserveCapacity(content.count * 8)
        for word in content { features.append("w:" + word) }
        for (first, second) in zip(content, content.dropFirst()) { features.append("b:" + first + "_" + second) }
        for word in content {
            let letters = Array(("#" + word + "#").unicodeScalars)
            guard letters.count > 4 else { continue }
            for start in 0...(letters.count - 4) { features.append("c:" + string(letters[start..<start + 4])) }
        }
        return features
    }

    /// A run of three or more of the same letter is one letter: "parahhh" → "parah", "mohonnnn" → "mohon". Two stay
    /// two ("maaf", "saat").
    static func squeezed(_ word: String) -> String { string(squeezed(Array(word.unicodeScalars))) }

    static func squeezed(_ word: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(word.count)
        var start = 0
        while start < word.count {
            var end = start + 1
            while end < word.count && word[end] == word[start] { end += 1 }
            if end - start >= 3 { result.append(word[start]) } else { result.append(contentsOf: word[start..<end]) }
            start = end
        }
        return result
    }
}
