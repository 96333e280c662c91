/// The name of what happened to a report: every event in its history carries one.
public enum EventKind: String, CaseIterable, Codable, Sendable {
    case submitted
    case verify
    case dispatch
    case assign
    case hold
    case archive
    case notOurAuthority = "not_our_authority"
    case answer
    case reply
    case confirm
    case rate
    case escalate
    case reopen
    case note
    case correct
    /// The clock moved a report: it turned yellow or red, or the level above was told (by Tanggap itself).
    case deadline

    /// What someone may ask for; submission and the clock's own events are not actions.
    public static let actions: [EventKind] = allCases.filter { $0 != .submitted && $0 != .deadline }
}

/// An admin's correction of how a report is filed. The reporter's own words stay untouched beside it.
public struct ReportCorrection: Hashable, Sendable {
    public var title: String?
    public var classification: Classification?
    /// The corrected category and, optionally, sub-category (identifiers of the taxonomy).
    public var categoryID: Int64?
    public var subcategoryID: Int64?
    public var tags: [String]?

    public init(
        title: String? = nil, classification: Classification? = nil, categoryID: Int64? = nil,
        subcategoryID: Int64? = nil, tags: [String]? = nil
    ) {
        self.title = title
        self.classification = classification
        self.categoryID = categoryID
        self.subcategoryID = subcategoryID
        self.tags = tags
    }

    public var isEmpty: Bool {
        title == nil && classification == nil && categoryID == nil && subcategoryID == nil && tags == nil
    }
}

/// Someone a report may be assigned to, with the grants that say whether they work where the report is.
public struct Assignee: Hashable, Sendable {
    public let userID: Int64
    public let grants: [RoleGrant]

    public init(userID: Int64, grants: [RoleGrant]) {
        self.userID = userID
        self.grants = grants
    }
}

/// An action asked for on a report, with what it needs.
public enum ReportAction: Hashable, Sendable {
    case verify(note: String?)
    case dispatch(to: InstitutionPath, note: String?)
    case assign(to: Assignee)
    case hold(question: String)
    case archive(reason: ArchiveReason, duplicateOf: Int64?, note: String?)
    case notOurAuthority(reason: String)
    case answer(text: String)
    case reply(text: String)
    case confirm(note: String?)
    case rate(Rating, comment: String?)
    case escalate(note: String?)
    case reopen(reason: String)
    case addNote(text: String)
    case correct(ReportCorrection)

    public var kind: EventKind {
        switch self {
        case .verify: .verify
        case .dispatch: .dispatch
        case .assign: .assign
        case .hold: .hold
        case .archive: .archive
        case .notOurAuthority: .notOurAuthority
        case .answer: .answer
        case .reply: .reply
        case .confirm: .confirm
        case .rate: .rate
        case .escalate: .escalate
        case .reopen: .reopen
        case .addNote: .note
        case .correct: .correct
        }
    }
}
