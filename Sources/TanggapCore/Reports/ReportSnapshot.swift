/// What the rules need to know about a report to decide on an action. The server loads it, the core decides,
/// the server stores the outcome.
public struct ReportSnapshot: Hashable, Sendable {
    public var id: Int64
    public var state: ReportState
    /// The institution that holds the report now. There is always exactly one.
    public var holder: InstitutionPath
    /// The state to return to when the reporter answers a hold.
    public var stateBeforeHold: ReportState?
    public var isVerified: Bool
    public var isEscalated: Bool
    public var rating: Rating?
    public var assigneeID: Int64?
    /// The reporter's account, when the report was filed with one.
    public var reporterUserID: Int64?
    public var archiveReason: ArchiveReason?
    public var duplicateOfID: Int64?
    /// Handed in by another instance: when no level here is competent, it goes back to where it came from.
    public var isHandedIn: Bool

    public init(
        id: Int64, state: ReportState, holder: InstitutionPath, stateBeforeHold: ReportState? = nil,
        isVerified: Bool = false, isEscalated: Bool = false, rating: Rating? = nil, assigneeID: Int64? = nil,
        reporterUserID: Int64? = nil, archiveReason: ArchiveReason? = nil, duplicateOfID: Int64? = nil,
        isHandedIn: Bool = false
    ) {
        self.id = id
        self.state = state
        self.holder = holder
        self.stateBeforeHold = stateBeforeHold
        self.isVerified = isVerified
        self.isEscalated = isEscalated
        self.rating = rating
        self.assigneeID = assigneeID
        self.reporterUserID = reporterUserID
        self.archiveReason = archiveReason
        self.duplicateOfID = duplicateOfID
        self.isHandedIn = isHandedIn
    }

    /// A new report as it arrives: received, with the institution it named or the national level.
    public static func received(id: Int64, holder: InstitutionPath, reporterUserID: Int64?) -> ReportSnapshot {
        ReportSnapshot(id: id, state: .received, holder: holder, reporterUserID: reporterUserID)
    }
}

/// The outcome of an allowed action: the event to append and the report as it is afterwards.
public struct Transition: Hashable, Sendable {
    public let kind: EventKind
    /// The action as validated and cleaned: what the server stores (a correction's fields, a rating).
    public let action: ReportAction
    public let fromState: ReportState
    public let toState: ReportState
    public let fromHolder: InstitutionPath
    public let toHolder: InstitutionPath
    public let audience: EventAudience
    /// The free text that goes with the event: a question, an answer, a reason, a note.
    public let note: String?
    public let after: ReportSnapshot

    public init(
        kind: EventKind, action: ReportAction, fromState: ReportState, toState: ReportState, fromHolder: InstitutionPath,
        toHolder: InstitutionPath, audience: EventAudience, note: String?, after: ReportSnapshot
    ) {
        self.kind = kind
        self.action = action
        self.fromState = fromState
        self.toState = toState
        self.fromHolder = fromHolder
        self.toHolder = toHolder
        self.audience = audience
        self.note = note
        self.after = after
    }

    /// True when the report changed hands.
    public var movedHolder: Bool { fromHolder != toHolder }
}
