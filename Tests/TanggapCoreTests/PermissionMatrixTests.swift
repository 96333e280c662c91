import TanggapCore
import Testing

/// Who may do what, in which state: the specification written out independently of the rulebook, and every
/// (state, action, person) combination checked against it.
@Suite struct PermissionMatrixTests {
    typealias P = Person
    static let open: Set<ReportState> = [.received, .verified, .dispatched, .answered, .onHold]
    static let admins: Set<Person> = [.nationalAdmin, .institutionAdmin]
    static let handlers: Set<Person> = [.nationalAdmin, .institutionAdmin, .liaisonOfficer]
    static let reporters: Set<Person> = [.reporterAccount, .reporterSecret]

    /// action → (states in which it exists, people who may take it, the state it leads to from each state).
    static let spec: [EventKind: (states: Set<ReportState>, people: Set<Person>, next: [ReportState: ReportState])] = [
        .verify: ([.received], admins, [.received: .verified]),
        .dispatch: ([.verified, .dispatched], admins, [.verified: .dispatched, .dispatched: .dispatched]),
        .assign: (open, handlers, identity(open)),
        .hold: (
            [.received, .verified, .dispatched], handlers.union([.peer]),
            [.received: .onHold, .verified: .onHold, .dispatched: .onHold]
        ),
        .archive: (
            [.received, .verified, .dispatched, .onHold], admins.union([.peer]),
            [.received: .archived, .verified: .archived, .dispatched: .archived, .onHold: .archived]
        ),
        .notOurAuthority: (
            [.received, .verified, .dispatched], handlers.union([.peer]),
            [.received: .received, .verified: .verified, .dispatched: .verified]
        ),
        .answer: ([.dispatched], [.institutionAdmin, .liaisonOfficer, .peer], [.dispatched: .answered]),
        .reply: (
            open, reporters,
            [
                .received: .received, .verified: .verified, .dispatched: .dispatched,
                .answered: .dispatched, .onHold: .dispatched,
            ]
        ),
        .confirm: ([.answered], reporters.union([.system, .peer]), [.answered: .completed]),
        .rate: ([.completed], reporters, [.completed: .completed]),
        .escalate: (open, [.system, .nationalAdmin, .oversight], identity(open)),
        .reopen: ([.completed, .archived], admins, [.completed: .dispatched, .archived: .verified]),
        .note: (Set(ReportState.allCases), handlers.union([.technicalOfficer]), identity(Set(ReportState.allCases))),
        .correct: (Set(ReportState.allCases), admins, identity(Set(ReportState.allCases))),
    ]

    static func identity(_ states: Set<ReportState>) -> [ReportState: ReportState] {
        Dictionary(uniqueKeysWithValues: states.map { ($0, $0) })
    }

    @Test func theSpecificationCoversEveryAction() {
        #expect(Set(Self.spec.keys) == Set(EventKind.actions))
    }

    @Test(arguments: EventKind.actions)
    func everyStateAndPerson(_ kind: EventKind) throws {
        let spec = try #require(Self.spec[kind])
        for state in ReportState.allCases {
            for person in Person.allCases {
                let subject = report(state)
                let outcome = Result { () throws(TransitionError) in
                    try Lifecycle.decide(sampleAction(kind), on: subject, by: person.actor)
                }
                switch outcome {
                case .success(let transition):
                    #expect(
                        spec.states.contains(state) && spec.people.contains(person),
                        "\(person) may not \(kind) a \(state) report, yet it was allowed")
                    #expect(transition.toState == spec.next[state], "\(kind) from \(state) by \(person)")
                    #expect(transition.fromState == state)
                    #expect(Lifecycle.isOffered(kind, on: subject, to: person.actor))
                case .failure(let error):
                    if !spec.states.contains(state) {
                        #expect(error == .wrongState(kind, state), "\(kind) in \(state) by \(person): \(error)")
                    } else {
                        #expect(!spec.people.contains(person), "\(person) should \(kind) a \(state) report: \(error)")
                        #expect(error == .forbidden(kind, .noCapacity), "\(kind) in \(state) by \(person)")
                    }
                    #expect(!Lifecycle.isOffered(kind, on: subject, to: person.actor))
                }
            }
        }
    }

    /// The same people with their role granted on another branch of the tree are refused as out of scope.
    @Test(arguments: EventKind.actions)
    func staffOutsideTheirSubtreeAreOutOfScope(_ kind: EventKind) throws {
        let spec = try #require(Self.spec[kind])
        for state in spec.states {
            for person in Person.allCases where person.role != nil && spec.people.contains(person) {
                let actor = person.actor(scopedTo: Tree.kemenkes)
                #expect(throws: TransitionError.forbidden(kind, .outOfScope), "\(person) on Kemenkes, \(kind) in \(state)") {
                    try Lifecycle.decide(sampleAction(kind), on: report(state), by: actor)
                }
            }
        }
    }
}
