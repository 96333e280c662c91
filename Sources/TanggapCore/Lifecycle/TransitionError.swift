/// Why an action on a report was refused. Every refusal has a name; none is a bare "no".
public enum TransitionError: Error, Hashable, Sendable {
    /// The action does not exist in the report's current state (for anyone).
    case wrongState(EventKind, ReportState)
    /// The actor may not take this action on this report.
    case forbidden(EventKind, Denial)
    /// The action is possible here but not with these particulars.
    case rejected(EventKind, Rejection)
    /// The action's own input is incomplete or malformed.
    case invalid(ValidationFailure)

    public enum Denial: String, Sendable, CaseIterable {
        /// None of the actor's roles may take this action.
        case noCapacity = "no_capacity"
        /// The actor holds a role that may, but not over the institution that holds the report.
        case outOfScope = "out_of_scope"
    }

    public enum Rejection: String, Sendable, CaseIterable {
        case alreadyRated = "already_rated"
        case alreadyEscalated = "already_escalated"
        /// "Not our authority" at the top of the tree: there is no level above to send it to.
        case noLevelAbove = "no_level_above"
        /// The dispatch target lies outside what the actor administers.
        case targetOutsideScope = "target_outside_scope"
        /// Only a national admin routes sideways; others dispatch down their own tree.
        case targetNotBelowHolder = "target_not_below_holder"
        /// A dispatch that would leave the report where it is.
        case sameHolder = "same_holder"
        case assigneeNotStaffOfHolder = "assignee_not_staff_of_holder"
        case duplicateOfItself = "duplicate_of_itself"
        case nothingToCorrect = "nothing_to_correct"
    }

    /// A stable machine-readable code for the API.
    public var code: String {
        switch self {
        case .wrongState: "wrong_state"
        case .forbidden(_, let denial): denial.rawValue
        case .rejected(_, let rejection): rejection.rawValue
        case .invalid: "validation_failed"
        }
    }
}
