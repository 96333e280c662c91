import Foundation

/// How people write a report: the same problem in many ways — polite letters and hurried SMS, regional greetings,
/// shortened words, held-down letters and typos. The generator's texts are drawn from here so that a model trained
/// on them meets what a verifier reads.
struct SyntheticWriting {
    /// One incident: a problem at a particular spot. Several people reporting the same incident name the same spot
    /// in their own words.
    struct Incident: Sendable {
        let topic: SyntheticTopic
        let subject: String
        let problem: String
        let spot: String
    }

    static let streets = [
        "Merdeka", "Sudirman", "Diponegoro", "Ahmad Yani", "Gatot Subroto", "Pahlawan", "Siliwangi", "Gajah Mada", "Hayam Wuruk",
        "Pemuda", "Veteran", "Kartini", "Imam Bonjol", "Teuku Umar", "Cut Nyak Dien", "Sisingamangaraja", "Hasanuddin",
        "Pattimura", "Raya Cibiru", "Raya Bogor", "Mawar", "Melati", "Kenanga", "Anggrek", "Flamboyan", "Cempaka", "Nangka",
        "Kelapa Gading", "Sultan Agung", "Jenderal Sudirman",
    ]
    /// Village names as they are made across the archipelago: a first part and a second ("Suka" + "maju"), so a
    /// region has hundreds of them, as a real one does, not a handful that every report shares.
    static let villageStarts = [
        "Suka", "Mekar", "Sido", "Karang", "Tanjung", "Sumber", "Marga", "Purwo", "Banjar", "Sindang", "Wono", "Kedung", "Pasir",
        "Tegal", "Bojong", "Rawa",
    ]
    static let villageEnds = [
        "maju", "jadi", "sari", "mulyo", "rejo", "agung", "jaya", "makmur", "baru", "asri", "harjo", "wangi", "indah", "raya",
        "tengah", "mukti", "luhur", "kidul", "lor", "mekar",
    ]
    /// What tells streets of one name apart: a second stretch, a quarter of town.
    static let streetParts = ["II", "III", "IV", "Barat", "Timur", "Utara", "Selatan", "Dalam", "Baru", "Lama"]
    static let landmarks = [
        "depan pasar", "dekat SD negeri", "samping masjid", "depan kantor desa", "dekat pertigaan", "seberang puskesmas",
        "belakang terminal", "dekat jembatan kecil", "depan gereja", "dekat lapangan bola", "ujung gang", "depan minimarket",
    ]
    static let openings = [
        "", "", "", "Selamat pagi.", "Yth. Bapak/Ibu petugas,", "Lapor min,", "Assalamualaikum, izin melapor.", "Punten, mau lapor.",
        "Nuwun sewu,", "Permisi pak,", "Tabik,", "Horas, saya mau menyampaikan keluhan.", "Mohon maaf mengganggu.",
    ]
    static let durations = [
        "sejak seminggu lalu", "sudah sebulan", "sejak awal tahun", "sudah tiga bulan", "berulang kali", "dari kemarin",
        "sudah lama sekali", "sejak musim hujan",
    ]
    static let closings = [
        "Mohon segera ditindaklanjuti.", "Tolong segera diperbaiki.", "Terima kasih.", "Kami tunggu tindakan nyata.",
        "Mohon petugas turun ke lapangan.", "Semoga cepat ditangani.", "", "Kami sudah lelah mengeluh.",
    ]
    static let effects = [
        "Warga sangat terganggu.", "Kami khawatir ada korban.", "Sudah dilaporkan ke RT tapi belum ada tindakan.",
        "Banyak lansia yang dirugikan.", "Kami berharap ada petugas yang meninjau langsung.", "",
    ]
    /// Standard words and how a hurried thumb writes them.
    static let shortenings: [String: [String]] = [
        "jalan": ["jln", "jl"], "tidak": ["ga", "gak", "tdk", "nggak"], "sudah": ["udh", "sdh", "udah"], "yang": ["yg"],
        "dengan": ["dgn"], "untuk": ["utk"], "dari": ["dr"], "karena": ["krn", "karna"], "belum": ["blm"], "sekolah": ["sklh"],
        "tolong": ["tlg"], "sekali": ["bgt", "banget"], "sekarang": ["skrg"], "kami": ["kmi"], "orang": ["org"], "bulan": ["bln"],
        "tahun": ["thn"], "masih": ["msh"], "juga": ["jg"], "dekat": ["dkt", "deket"], "berlubang": ["bolong"], "ambruk": ["ambrol"],
        "kemarin": ["kmrn"], "mohon": ["mhn"], "saya": ["sy", "aq"], "sampah": ["smph"],
    ]
    static let vagueSubjects = [
        "fasilitas umum", "pelayanan di sini", "masalah yang kami alami", "kondisi di lingkungan kami", "urusan warga",
    ]
    static let vagueProblems = ["tidak diurus", "sangat mengecewakan", "dibiarkan begitu saja", "tidak ada kejelasan"]
    static let regionalFillers = ["euy", "lho", "toh", "bah", "mah", "sih", "loh", "bro", "kakak", "wak"]

    var random: DemoRandom

    mutating func pick<T>(_ items: [T]) -> T { items[random.next(items.count)] }

    mutating func chance(_ percent: Int) -> Bool { random.next(100) < percent }

    /// A new incident of `topic` at a spot of its own.
    mutating func incident(of topic: SyntheticTopic) -> Incident {
        // A street with its house number, or a village with its RT/RW: the numbers people give to say where. One
        // in five names only the street or the village and something near.
        let numbered = chance(80)
        let spot =
            chance(50)
            ? "di Jl. \(street())" + (numbered ? " No. \(1 + random.next(250))" : "") + " \(pick(Self.landmarks))"
            : "di Desa \(village())" + (numbered ? " RT \(1 + random.next(12))/RW \(1 + random.next(8))" : "") + " \(pick(Self.landmarks))"
        return Incident(topic: topic, subject: pick(topic.subjects), problem: pick(topic.problems), spot: spot)
    }

    /// A street as a regency has thousands: a name with a part of town ("Jl. Kartini Barat"), or the main road of a
    /// village ("Jl. Raya Sukamaju").
    mutating func street() -> String {
        switch random.next(3) {
        case 0: "\(pick(Self.streets)) \(pick(Self.streetParts))"
        case 1: "Raya \(village())"
        default: pick(Self.streets)
        }
    }

    mutating func village() -> String { pick(Self.villageStarts) + pick(Self.villageEnds) }

    /// One person's title and text about an incident.
    mutating func report(on incident: Incident) -> (title: String, body: String) {
        let topic = incident.topic
        // Some people never say what the problem is about ("fasilitas umum rusak, tolong"): nothing tells its kind.
        if chance(5) {
            let vague = "\(pick(Self.vagueSubjects)) \(pick(Self.vagueProblems)) \(incident.spot)"
            return (capitalized(vague), "\(pick(Self.openings)) \(capitalized(vague)) \(pick(Self.durations)). \(pick(Self.closings))")
        }
        let title = "\(capitalized(incident.subject)) \(incident.problem)" + (chance(50) ? " \(incident.spot)" : "")
        var sentences = [
            pick(Self.openings),
            chance(50)
                ? "\(capitalized(incident.subject)) \(incident.spot) \(incident.problem) \(pick(Self.durations))."
                : "Saya mau melaporkan \(incident.subject) yang \(incident.problem) \(incident.spot), \(pick(Self.durations)).",
            chance(70) ? pick(topic.details) : "",
            pick(Self.effects),
            pick(Self.closings),
        ]
        sentences.removeAll { $0.isEmpty }
        var body = sentences.joined(separator: " ")
        if chance(35) { body = hurried(body) }
        if chance(30) { body = withTypos(body) }
        return (chance(20) ? title.lowercased() : title, body)
    }

    /// As typed on a phone in a hurry: lower case, shortened words, a letter held down, a regional word.
    mutating func hurried(_ text: String) -> String {
        var words = text.lowercased().split(separator: " ").map(String.init)
        for index in words.indices {
            let bare = words[index].trimmingCharacters(in: .punctuationCharacters)
            if let short = Self.shortenings[bare], chance(70) {
                words[index] = words[index].replacingOccurrences(of: bare, with: pick(short))
            }
        }
        if let last = words.indices.last, chance(40), let letter = words[last].last(where: \.isLetter) {
            words[last] += String(repeating: letter, count: 2 + random.next(3))
        }
        if chance(30) { words.insert(pick(Self.regionalFillers), at: min(words.count, 3 + random.next(4))) }
        return words.joined(separator: " ")
    }

    /// A few slips of the finger: a letter dropped or two swapped in one word of ten.
    mutating func withTypos(_ text: String) -> String {
        text.split(separator: " ").map { word -> String in
            var letters = Array(word)
            guard letters.count > 4, chance(10) else { return String(word) }
            let at = 1 + random.next(letters.count - 3)
            if chance(50) { letters.remove(at: at) } else { letters.swapAt(at, at + 1) }
            return String(letters)
        }.joined(separator: " ")
    }

    private func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
}
