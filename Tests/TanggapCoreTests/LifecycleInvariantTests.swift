import TanggapCore
import Testing

/// Thousands of random action sequences by random people; after every step the invariants of DOMAIN.md hold.
@Suite struct LifecycleInvariantTests {
    struct Event {
        let kind: EventKind
        let from: ReportState, to: ReportState
        let fromHolder: InstitutionPath, toHolder: InstitutionPath
    }

    static let actors: [Actor] = Person.allCases.flatMap { person -> [Actor] in
        person.role == nil ? [person.actor] : Tree.all.map { person.actor(scopedTo: $0) }
    }

    static func randomAction(_ rng: inout SplitMix64) -> ReportAction {
        let kind = EventKind.actions.randomElement(using: &rng)!
        switch kind {
        case .dispatch:
            return .dispatch(to: Tree.all.randomElement(using: &rng)!, note: nil)
        case .assign:
            let role = [Role.liaisonOfficer, .technicalOfficer, .operator].randomElement(using: &rng)!
            return .assign(to: Assignee(userID: 60, grants: [RoleGrant(role, on: Tree.all.randomElement(using: &rng)!)]))
        case .archive:
            let reason = ArchiveReason.allCases.randomElement(using: &rng)!
            return .archive(reason: reason, duplicateOf: reason == .duplicate ? 7 : nil, note: nil)
        case .rate:
            return .rate(Rating.allCases.randomElement(using: &rng)!, comment: nil)
        default:
            return sampleAction(kind)
        }
    }

    @Test(arguments: 0..<20)
    func randomWalksKeepTheInvariants(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<150 {
            var current = ReportSnapshot.received(
                id: 500, holder: Tree.all.randomElement(using: &rng)!, reporterUserID: Person.reporterUserID)
            var history: [Event] = [
                Event(kind: .submitted, from: .received, to: .received, fromHolder: current.holder, toHolder: current.holder)
            ]
            var accepted = 0
            for _ in 0..<60 {
                let action = Self.randomAction(&rng)
                let actor = Self.actors.randomElement(using: &rng)!
                let before = current
                do {
                    let transition = try Lifecycle.decide(action, on: current, by: actor)
                    history.append(
                        Event(
                            kind: transition.kind, from: transition.fromState, to: transition.toState,
                            fromHolder: transition.fromHolder, toHolder: transition.toHolder))
                    current = transition.after
                    accepted += 1
                } catch {
                    #expect(current == before, "a refused action changed nothing")
                }
                check(current, after: before, history: history, accepted: accepted, seed: seed)
            }
        }
    }

    func check(_ r: ReportSnapshot, after before: ReportSnapshot, history: [Event], accepted: Int, seed: UInt64) {
        // Always with exactly one institution, and one that exists.
        #expect(Tree.all.contains(r.holder), "seed \(seed)")
        // No event lost: one per accepted action, and the chain of states and holders has no gap.
        #expect(history.count == accepted + 1, "seed \(seed)")
        for (previous, next) in zip(history, history.dropFirst()) {
            #expect(previous.to == next.from && previous.toHolder == next.fromHolder, "seed \(seed)")
        }
        #expect(history.last!.to == r.state && history.last!.toHolder == r.holder, "seed \(seed)")
        // Closed reports change state only by being reopened.
        if before.state.isClosed, history.last!.kind != .reopen {
            #expect(r.state == before.state && r.holder == before.holder, "seed \(seed)")
        }
        #expect((r.state == .onHold) == (r.stateBeforeHold != nil), "seed \(seed)")
        if r.state == .dispatched || r.state == .answered { #expect(r.isVerified, "seed \(seed)") }
        #expect((r.state == .archived) == (r.archiveReason != nil), "seed \(seed)")
        if r.rating != nil { #expect(r.state == .completed, "seed \(seed)") }
        if r.duplicateOfID != nil { #expect(r.archiveReason == .duplicate, "seed \(seed)") }
    }
}
