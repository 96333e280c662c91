import TanggapCore

/// A small institution tree for the rules:
///
///     1 national
///     ├── 2 Pemerintah Kabupaten Bandung
///     │   └── 3 Dinas PUPR
///     │       └── 4 UPT Jalan
///     └── 5 Kementerian Kesehatan
enum Tree {
    static let national = InstitutionPath([1])
    static let pemkab = InstitutionPath([1, 2])
    static let dinas = InstitutionPath([1, 2, 3])
    static let upt = InstitutionPath([1, 2, 3, 4])
    static let kemenkes = InstitutionPath([1, 5])
    static let all = [national, pemkab, dinas, upt, kemenkes]
}

/// Every kind of person the rules know, standing towards a report held by the Dinas.
enum Person: String, CaseIterable, CustomStringConvertible {
    case nationalAdmin, institutionAdmin, liaisonOfficer, technicalOfficer, `operator`, oversight
    case reporterAccount, reporterSecret, system, citizen
    /// Another instance, for a case handed across the border.
    case peer

    static let reporterUserID: Int64 = 99

    var description: String { rawValue }

    /// The role this person acts in, when they are staff.
    var role: Role? {
        switch self {
        case .nationalAdmin: .nationalAdmin
        case .institutionAdmin: .institutionAdmin
        case .liaisonOfficer: .liaisonOfficer
        case .technicalOfficer: .technicalOfficer
        case .operator: .operator
        case .oversight: .oversight
        default: nil
        }
    }

    /// The person with their grant on the natural scope for their role, covering the Dinas.
    var actor: Actor { actor(scopedTo: naturalScope) }

    var naturalScope: InstitutionPath {
        switch self {
        case .nationalAdmin, .oversight: Tree.national
        case .institutionAdmin: Tree.pemkab
        default: Tree.dinas
        }
    }

    func actor(scopedTo scope: InstitutionPath) -> Actor {
        switch self {
        case .reporterAccount: .user(UserActor(id: Self.reporterUserID, grants: []))
        case .reporterSecret: .reporter
        case .system: .system
        case .peer: .peer
        case .citizen: .user(UserActor(id: 7, grants: []))
        default: .user(UserActor(id: Int64(10 + Person.allCases.firstIndex(of: self)!), grants: [RoleGrant(role!, on: scope)]))
        }
    }
}

func report(
    _ state: ReportState, holder: InstitutionPath = Tree.dinas, verified: Bool? = nil, rating: Rating? = nil,
    escalated: Bool = false
) -> ReportSnapshot {
    ReportSnapshot(
        id: 500, state: state, holder: holder, stateBeforeHold: state == .onHold ? .dispatched : nil,
        isVerified: verified ?? (state != .received), isEscalated: escalated, rating: rating,
        reporterUserID: Person.reporterUserID, archiveReason: state == .archived ? .unclear : nil)
}

/// A well-formed example of each action for a report held by the Dinas.
func sampleAction(_ kind: EventKind) -> ReportAction {
    switch kind {
    case .submitted, .deadline: fatalError("not an action")
    case .verify: .verify(note: nil)
    case .dispatch: .dispatch(to: Tree.upt, note: "Mohon ditindaklanjuti")
    case .assign: .assign(to: Assignee(userID: 40, grants: [RoleGrant(.technicalOfficer, on: Tree.dinas)]))
    case .hold: .hold(question: "Di ruas jalan mana tepatnya?")
    case .archive: .archive(reason: .spam, duplicateOf: nil, note: nil)
    case .notOurAuthority: .notOurAuthority(reason: "Jalan nasional, bukan kewenangan kabupaten")
    case .answer: .answer(text: "Perbaikan dijadwalkan minggu depan.")
    case .reply: .reply(text: "Belum diperbaiki sampai hari ini.")
    case .confirm: .confirm(note: nil)
    case .rate: .rate(.satisfied, comment: "Terima kasih")
    case .escalate: .escalate(note: nil)
    case .reopen: .reopen(reason: "Masalah muncul lagi")
    case .note: .addNote(text: "Sudah dicek ke lapangan")
    case .correct: .correct(ReportCorrection(title: "Jalan berlubang di Jl. Raya Soreang"))
    }
}

/// A deterministic random source, so a failing random walk can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
