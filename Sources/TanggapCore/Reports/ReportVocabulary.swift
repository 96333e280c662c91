/// Where a report is in its life. See DOMAIN.md, "The life of a report".
public enum ReportState: String, CaseIterable, Codable, Sendable {
    case received
    case verified
    /// With an institution or unit that must act on it.
    case dispatched
    /// An answer (tindak lanjut) was posted; the reporter may reply.
    case answered
    /// Waiting for more information from the reporter; the clock pauses.
    case onHold = "on_hold"
    /// Selesai.
    case completed
    case archived

    /// States in which the report still waits for someone to act.
    public static let open: Set<ReportState> = [.received, .verified, .dispatched, .answered, .onHold]
    public var isOpen: Bool { Self.open.contains(self) }
    public var isClosed: Bool { !isOpen }
}

/// Jenis laporan.
public enum Classification: String, CaseIterable, Codable, Sendable {
    /// A complaint about a public service.
    case pengaduan
    /// An aspiration or suggestion.
    case aspirasi
    /// A request for information.
    case permintaanInformasi = "permintaan_informasi"
}

/// The way a report came in.
public enum Channel: String, CaseIterable, Codable, Sendable {
    case web
    /// A mobile app or another client of the JSON API.
    case api
    case sms
    case whatsapp
    case telegram
    case email
    case socialMedia = "social_media"
    case radio
    case publicDialogue = "public_dialogue"
    case walkIn = "walk_in"
    case letter
    /// Another Tanggap instance.
    case federation
    /// A civic-tech app speaking Open311 GeoReport v2 (the app itself is recorded with the report).
    case open311

    /// Channels whose reports are typed in by an operator.
    public static let offline: Set<Channel> = [.radio, .publicDialogue, .walkIn, .letter, .socialMedia]
}

/// Why a report was archived.
public enum ArchiveReason: String, CaseIterable, Codable, Sendable {
    case spam
    case unclear
    case outOfScope = "out_of_scope"
    case duplicate
}

/// The reporter's satisfaction with how the report was handled.
public enum Rating: String, CaseIterable, Codable, Sendable {
    case verySatisfied = "very_satisfied"
    case satisfied
    case fairlySatisfied = "fairly_satisfied"
    case notSatisfied = "not_satisfied"
}

/// Who may read an event of a report's history.
public enum EventAudience: String, CaseIterable, Codable, Sendable, Comparable {
    /// Everyone who may see the report.
    case `public`
    /// The reporter and the staff: questions to the reporter and the reporter's replies.
    case participants
    /// Staff only: internal notes, assignments, corrections.
    case staff

    private var rank: Int {
        switch self {
        case .public: 0
        case .participants: 1
        case .staff: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}
