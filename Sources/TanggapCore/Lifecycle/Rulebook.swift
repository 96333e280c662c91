/// In what capacity someone acts on a report.
public enum Capacity: Hashable, Sendable {
    case role(Role)
    /// The person who filed the report (by account or by proof of the secret).
    case reporter
    /// Tanggap itself: timers and sweeps.
    case system
    /// Another instance, for a report handed across the border: at the origin it speaks for the holder, at the
    /// holder for the origin (which takes a report back).
    case peer
}

/// When an action exists and who may take it. One row per action: this is where "who may do what" lives.
public struct ActionRule: Sendable {
    public let states: Set<ReportState>
    public let capacities: Set<Capacity>
    public let audience: EventAudience
}

public enum Rulebook {
    private static let admins: Set<Capacity> = [.role(.nationalAdmin), .role(.institutionAdmin)]
    private static let handlers: Set<Capacity> = admins.union([.role(.liaisonOfficer)])
    private static let triage: Set<ReportState> = [.received, .verified, .dispatched]

    public static func rule(for kind: EventKind) -> ActionRule {
        switch kind {
        case .submitted, .deadline:
            // Not actions: submission is decided by the intake rules, deadlines by the SLA clock.
            ActionRule(states: [], capacities: [], audience: .public)
        case .verify:
            ActionRule(states: [.received], capacities: admins, audience: .public)
        case .dispatch:
            ActionRule(states: [.verified, .dispatched], capacities: admins, audience: .public)
        case .assign:
            ActionRule(states: ReportState.open, capacities: handlers, audience: .staff)
        case .hold:
            ActionRule(states: triage, capacities: handlers.union([.peer]), audience: .participants)
        case .archive:
            ActionRule(states: triage.union([.onHold]), capacities: admins.union([.peer]), audience: .public)
        case .notOurAuthority:
            ActionRule(states: triage, capacities: handlers.union([.peer]), audience: .public)
        case .answer:
            ActionRule(
                states: [.dispatched], capacities: [.role(.institutionAdmin), .role(.liaisonOfficer), .peer],
                audience: .public)
        case .reply:
            ActionRule(states: ReportState.open, capacities: [.reporter], audience: .participants)
        case .confirm:
            ActionRule(states: [.answered], capacities: [.reporter, .system, .peer], audience: .public)
        case .rate:
            ActionRule(states: [.completed], capacities: [.reporter], audience: .public)
        case .escalate:
            ActionRule(
                states: ReportState.open, capacities: [.system, .role(.nationalAdmin), .role(.oversight)],
                audience: .public)
        case .reopen:
            ActionRule(states: [.completed, .archived], capacities: admins, audience: .public)
        case .note:
            ActionRule(
                states: Set(ReportState.allCases), capacities: handlers.union([.role(.technicalOfficer)]),
                audience: .staff)
        case .correct:
            ActionRule(states: Set(ReportState.allCases), capacities: admins, audience: .staff)
        }
    }

    /// The capacities in which `actor` stands towards `report`: the roles whose grants cover the holder, and
    /// whether they are its reporter.
    public static func capacities(of actor: Actor, towards report: ReportSnapshot) -> Set<Capacity> {
        switch actor {
        case .system:
            return [.system]
        case .reporter:
            return [.reporter]
        case .peer:
            return [.peer]
        case .user(let user):
            var result = Set(user.grants.filter { $0.covers(report.holder) }.map { Capacity.role($0.role) })
            if let reporter = report.reporterUserID, reporter == user.id { result.insert(.reporter) }
            return result
        }
    }
}
