import Foundation
import TanggapCore
import Testing

/// The SLA clock walked with an injected time through every stage, hold, reply, re-dispatch and escalation.
@Suite struct SLAClockTests {
    let calendar = WorkingCalendar(timeZone: WorkingCalendarTests.wib, holidays: WorkingCalendarTests.nationalHolidays)
    var context: SLAClock.Context { SLAClock.Context(calendar: calendar, policy: .standard, holderDepth: 2, isEscalated: false) }

    func at(_ text: String) -> Date { WorkingCalendarTests.instant(text) }

    func transition(_ kind: EventKind, _ from: ReportState, _ to: ReportState) -> Transition {
        let report = ReportSnapshot(id: 1, state: to, holder: InstitutionPath([1, 2, 3]))
        return Transition(
            kind: kind, action: .verify(note: nil), fromState: from, toState: to, fromHolder: report.holder,
            toHolder: report.holder, audience: .public, note: nil, after: report)
    }

    @Test func triageTurnsYellowOnItsLastDayAndRedAfterIt() {
        // Monday 23 November 2026, 10:00 WIB: three working days to verify and dispatch.
        let received = SLAClock.received(at: at("2026-11-23T10:00:00+07:00"), context)
        #expect(received.stage == .triage && received.light == .green)
        #expect(received.stageDueAt == at("2026-11-26T23:59:59+07:00"))
        #expect(received.yellowAt == at("2026-11-26T00:00:00+07:00"))
        #expect(received.caseDueAt == at("2027-01-22T23:59:59+07:00"))
        #expect(received.nextCheckAt == received.yellowAt)

        let (early, nothing) = SLAClock.sweep(received, at: at("2026-11-25T12:00:00+07:00"), context)
        #expect(nothing.isEmpty && early == received)
        let (yellow, turnedYellow) = SLAClock.sweep(received, at: at("2026-11-26T08:00:00+07:00"), context)
        // The deadline's last second is still in time; the next look is the moment after it.
        #expect(turnedYellow == [.turned(.yellow)] && yellow.nextCheckAt == at("2026-11-27T00:00:00+07:00"))
        #expect(SLAClock.light(of: yellow, at: at("2026-11-26T23:59:59+07:00")) == .yellow)
        let (red, turnedRed) = SLAClock.sweep(yellow, at: at("2026-11-27T00:00:00+07:00"), context)
        #expect(turnedRed == [.turned(.red)])
        // Red for two working days: the level above is told; two more: the one above that; then no further.
        #expect(red.nextCheckAt == at("2026-12-01T00:00:00+07:00"))
        let (ladder1, told1) = SLAClock.sweep(red, at: at("2026-12-02T09:00:00+07:00"), context)
        #expect(told1 == [.ladder(levelsUp: 1)])
        let (ladder2, told2) = SLAClock.sweep(ladder1, at: at("2026-12-08T09:00:00+07:00"), context)
        #expect(told2 == [.ladder(levelsUp: 2)])
        #expect(ladder2.nextCheckAt == ladder2.caseDueAt!.addingTimeInterval(1), "nothing is left to check but the whole case")
    }

    @Test func aSweepThatComesLateSkipsStraightToRed() {
        let received = SLAClock.received(at: at("2026-11-23T10:00:00+07:00"), context)
        let (_, changes) = SLAClock.sweep(received, at: at("2026-11-30T10:00:00+07:00"), context)
        #expect(changes == [.turned(.red)])
    }

    @Test func aHoldStopsTheClockAndTheHistoryShowsHowLong() {
        let received = SLAClock.received(at: at("2026-11-23T10:00:00+07:00"), context)
        let (held, _) = SLAClock.after(transition(.hold, .received, .onHold), received, at: at("2026-11-24T10:00:00+07:00"), context)
        #expect(held.heldAt != nil && held.nextCheckAt == nil)
        #expect(SLAClock.sweep(held, at: at("2026-12-20T10:00:00+07:00"), context).1.isEmpty, "a held report does not age")
        // The reporter answers two weeks later: the two working days that were left are left again.
        let (resumed, pause) = SLAClock.after(transition(.reply, .onHold, .received), held, at: at("2026-12-08T09:00:00+07:00"), context)
        #expect(pause?.workingDays == 10)
        #expect(resumed.stageDueAt == at("2026-12-10T23:59:59+07:00"))
        #expect(resumed.light == .green && resumed.heldAt == nil)
        #expect(resumed.caseDueAt == received.caseDueAt!.addingTimeInterval(pause!.seconds), "the whole case pauses too")
    }

    @Test func dispatchStartsTheAnswerClockAndAnAnswerTheReportersWindow() {
        let received = SLAClock.received(at: at("2026-11-23T10:00:00+07:00"), context)
        let (dispatched, _) = SLAClock.after(
            transition(.dispatch, .verified, .dispatched), received, at: at("2026-11-24T10:00:00+07:00"), context)
        #expect(dispatched.stage == .answer && dispatched.stageDueAt == at("2026-12-01T23:59:59+07:00"))
        #expect(dispatched.yellowAt == at("2026-11-30T00:00:00+07:00"), "five days: yellow on the last two")
        let (answered, _) = SLAClock.after(
            transition(.answer, .dispatched, .answered), dispatched, at: at("2026-11-25T10:00:00+07:00"), context)
        #expect(answered.stage == .reply && answered.light == .green)
        #expect(answered.stageDueAt == at("2026-12-09T23:59:59+07:00"))
        let (_, ended) = SLAClock.sweep(answered, at: at("2026-12-10T00:00:01+07:00"), context)
        #expect(ended == [.replyWindowEnded])
        // A reply sends it back to the unit with a fresh answer clock.
        let (back, _) = SLAClock.after(transition(.reply, .answered, .dispatched), answered, at: at("2026-11-26T10:00:00+07:00"), context)
        #expect(back.stage == .answer && back.stageDueAt == at("2026-12-03T23:59:59+07:00"))
    }

    @Test func aBounceAndAReDispatchDoNotResetTheWholeCase() {
        let received = SLAClock.received(at: at("2026-11-23T10:00:00+07:00"), context)
        let (dispatched, _) = SLAClock.after(
            transition(.dispatch, .verified, .dispatched), received, at: at("2026-11-24T10:00:00+07:00"), context)
        let (bounced, _) = SLAClock.after(
            transition(.notOurAuthority, .dispatched, .verified), dispatched, at: at("2026-11-30T10:00:00+07:00"), context)
        #expect(bounced.stage == .triage && bounced.stageDueAt == at("2026-12-03T23:59:59+07:00"))
        let (again, _) = SLAClock.after(
            transition(.dispatch, .verified, .dispatched), bounced, at: at("2026-12-01T10:00:00+07:00"), context)
        #expect(again.caseDueAt == received.caseDueAt)
        let (_, overdue) = SLAClock.sweep(again, at: at("2027-01-23T00:00:00+07:00"), context)
        #expect(overdue.contains(.caseOverdue))
        let escalated = SLAClock.Context(calendar: calendar, policy: .standard, holderDepth: 2, isEscalated: true)
        #expect(!SLAClock.sweep(again, at: at("2027-01-23T00:00:00+07:00"), escalated).1.contains(.caseOverdue))
    }

    @Test func aCaseThatCompletesIsNotAlsoEscalated() {
        let received = SLAClock.received(at: at("2026-11-23T10:00:00+07:00"), context)
        let (answered, _) = SLAClock.after(
            transition(.answer, .dispatched, .answered), received, at: at("2027-01-15T10:00:00+07:00"), context)
        let (_, changes) = SLAClock.sweep(answered, at: at("2027-02-15T10:00:00+07:00"), context)
        #expect(changes == [.replyWindowEnded])
    }

    @Test func closingStopsTheClock() {
        let received = SLAClock.received(at: at("2026-11-23T10:00:00+07:00"), context)
        let (archived, _) = SLAClock.after(
            transition(.archive, .received, .archived), received, at: at("2026-11-24T10:00:00+07:00"), context)
        #expect(archived.stage == nil && archived.light == nil && archived.nextCheckAt == nil)
    }

    @Test func overridesApplyMostGeneralFirst() {
        let policy = SLAPolicy.standard.applying([
            .init(answer: TimeLimit(7, .workingDays)),
            .init(answer: TimeLimit(2, .workingDays), yellowShare: 0.5),
            .init(wholeCase: TimeLimit(30, .workingDays)),
        ])
        #expect(policy.answer == TimeLimit(2, .workingDays) && policy.triage == TimeLimit(3, .workingDays))
        #expect(policy.yellowShare == 0.5 && policy.wholeCase == TimeLimit(30, .workingDays))
    }
}

@Suite struct ReminderPolicyTests {
    let grants = [
        StaffGrant(userID: 1, grant: RoleGrant(.nationalAdmin, on: Tree.national)),
        StaffGrant(userID: 2, grant: RoleGrant(.institutionAdmin, on: Tree.pemkab)),
        StaffGrant(userID: 3, grant: RoleGrant(.liaisonOfficer, on: Tree.dinas)),
        StaffGrant(userID: 4, grant: RoleGrant(.liaisonOfficer, on: Tree.pemkab)),
        StaffGrant(userID: 5, grant: RoleGrant(.technicalOfficer, on: Tree.dinas)),
    ]

    @Test func theHoldersLiaisonsAndTheNearestAdminsAreTold() {
        #expect(ReminderPolicy.recipients(for: Tree.dinas, among: grants) == [2, 3])
        #expect(ReminderPolicy.recipients(for: Tree.upt, among: grants) == [2], "no liaison at the UPT: its admins above")
        #expect(ReminderPolicy.recipients(for: Tree.kemenkes, among: grants) == [1], "no admin anywhere below: the national admins")
        let withOwnAdmin = grants + [StaffGrant(userID: 6, grant: RoleGrant(.institutionAdmin, on: Tree.dinas))]
        #expect(ReminderPolicy.recipients(for: Tree.dinas, among: withOwnAdmin) == [3, 6])
    }

    @Test func theLadderClimbsOneLevelAtATimeAndStopsAtTheTop() {
        #expect(ReminderPolicy.ladder(levelsUp: 1, above: Tree.upt, among: grants) == (Tree.dinas, [2]))
        #expect(ReminderPolicy.ladder(levelsUp: 2, above: Tree.upt, among: grants) == (Tree.pemkab, [2]))
        #expect(ReminderPolicy.ladder(levelsUp: 9, above: Tree.upt, among: grants) == (Tree.national, [1]))
    }
}
