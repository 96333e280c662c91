/// The life of a report as a pure function: given a report, an action and who asks, either the transition to
/// store or the named reason it is refused. No clock, no database: the server loads, asks, and stores.
public enum Lifecycle {
    public static func decide(
        _ action: ReportAction, on report: ReportSnapshot, by actor: Actor
    ) throws(TransitionError) -> Transition {
        let kind = action.kind
        let rule = Rulebook.rule(for: kind)
        guard rule.states.contains(report.state) else { throw .wrongState(kind, report.state) }
        let capacities = Rulebook.capacities(of: actor, towards: report).intersection(rule.capacities)
        guard !capacities.isEmpty else { throw .forbidden(kind, denial(of: actor, for: rule)) }
        let input = try ActionInput.validate(action)

        var after = report
        var note = input.note
        switch input.action {
        case .verify:
            after.state = .verified
            after.isVerified = true

        case .dispatch(let target, _):
            try checkDispatchTarget(target, of: report, by: actor, capacities: capacities)
            after.state = .dispatched
            after.holder = target
            after.isVerified = true
            after.assigneeID = nil

        case .assign(let assignee):
            let staffRoles: Set<Role> = [.institutionAdmin, .liaisonOfficer, .technicalOfficer]
            guard assignee.grants.contains(where: { staffRoles.contains($0.role) && $0.covers(report.holder) })
            else { throw .rejected(kind, .assigneeNotStaffOfHolder) }
            after.assigneeID = assignee.userID

        case .hold:
            after.stateBeforeHold = report.state
            after.state = .onHold

        case .archive(let reason, let duplicateOf, _):
            if duplicateOf == report.id { throw .rejected(kind, .duplicateOfItself) }
            after.state = .archived
            after.archiveReason = reason
            after.duplicateOfID = reason == .duplicate ? duplicateOf : nil
            after.stateBeforeHold = nil

        case .notOurAuthority:
            // "No wrong door": the report goes up one level to be routed again, never to a dead end. At the top of
            // this instance, a report handed in from another goes back there (the server sends it) and closes here.
            if let levelAbove = report.holder.parent {
                after.holder = levelAbove
                after.state = report.isVerified ? .verified : .received
            } else if report.isHandedIn {
                after.state = .archived
                after.archiveReason = .outOfScope
            } else {
                throw .rejected(kind, .noLevelAbove)
            }
            after.assigneeID = nil

        case .answer:
            after.state = .answered

        case .reply:
            switch report.state {
            case .onHold:
                after.state = report.stateBeforeHold ?? .received
                after.stateBeforeHold = nil
            case .answered:
                // Not satisfied, or more to add: back to the unit that answered, same report.
                after.state = .dispatched
            default:
                break  // extra information while the report is being handled; it stays where it is
            }

        case .confirm:
            after.state = .completed

        case .rate(let rating, _):
            guard report.rating == nil else { throw .rejected(kind, .alreadyRated) }
            after.rating = rating

        case .escalate:
            guard !report.isEscalated else { throw .rejected(kind, .alreadyEscalated) }
            after.isEscalated = true

        case .reopen:
            if report.state == .completed {
                after.state = .dispatched
                after.rating = nil
            } else {
                after.state = report.isVerified ? .verified : .received
                after.archiveReason = nil
                after.duplicateOfID = nil
            }

        case .addNote:
            break

        case .correct(let correction):
            guard !correction.isEmpty else { throw .rejected(kind, .nothingToCorrect) }
            note = nil
        }

        return Transition(
            kind: kind, action: input.action, fromState: report.state, toState: after.state, fromHolder: report.holder,
            toHolder: after.holder, audience: rule.audience, note: note, after: after)
    }

    /// Whether `actor` could take `kind` on `report` right now, without the particulars of the action.
    /// Pages and the API use it to offer only the actions that would succeed.
    public static func isOffered(_ kind: EventKind, on report: ReportSnapshot, to actor: Actor) -> Bool {
        let rule = Rulebook.rule(for: kind)
        guard rule.states.contains(report.state) else { return false }
        let capacities = Rulebook.capacities(of: actor, towards: report).intersection(rule.capacities)
        guard !capacities.isEmpty else { return false }
        switch kind {
        case .rate: return report.rating == nil
        case .escalate: return !report.isEscalated
        case .notOurAuthority: return report.holder.parent != nil || report.isHandedIn
        default: return true
        }
    }

    private static func denial(of actor: Actor, for rule: ActionRule) -> TransitionError.Denial {
        guard case .user(let user) = actor else { return .noCapacity }
        let holdsAllowedRoleElsewhere = user.grants.contains { rule.capacities.contains(.role($0.role)) }
        return holdsAllowedRoleElsewhere ? .outOfScope : .noCapacity
    }

    /// Where a report held at `holder` may be sent by those who hold it: the holder itself (taking it on) or any body
    /// below. Suggestions stay within this reach; a national admin may route further, anywhere in their own scope.
    public static func withinDispatchReach(_ target: InstitutionPath, heldAt holder: InstitutionPath) -> Bool {
        target == holder || target.isStrictlyBelow(holder)
    }

    /// Admins dispatch down their own tree; a national admin may route anywhere in theirs.
    private static func checkDispatchTarget(
        _ target: InstitutionPath, of report: ReportSnapshot, by actor: Actor, capacities: Set<Capacity>
    ) throws(TransitionError) {
        guard case .user(let user) = actor else { throw .forbidden(.dispatch, .noCapacity) }
        if target == report.holder {
            // Taking a verified report on at the institution that holds it is a dispatch to itself;
            // once dispatched, a dispatch must move it.
            guard report.state == .verified else { throw .rejected(.dispatch, .sameHolder) }
            return
        }
        if capacities.contains(.role(.nationalAdmin)) {
            let nationalScopes = user.grants.filter { $0.role == .nationalAdmin && $0.covers(report.holder) }
            guard nationalScopes.contains(where: { $0.covers(target) }) else {
                throw .rejected(.dispatch, .targetOutsideScope)
            }
            return
        }
        guard target.isStrictlyBelow(report.holder) else { throw .rejected(.dispatch, .targetNotBelowHolder) }
    }
}
