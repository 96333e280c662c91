import Foundation

/// A report's deadlines as stored beside it: what the sweeper and the dashboards read.
public struct SLAStatus: Hashable, Sendable {
    public var stage: SLAStage?
    public var stageStartedAt: Date?
    public var stageDueAt: Date?
    /// When the stage turns yellow.
    public var yellowAt: Date?
    public var light: TrafficLight?
    /// The whole case's limit; passing it escalates the report to oversight.
    public var caseDueAt: Date?
    /// Set while the report is on hold: the clock is frozen since then.
    public var heldAt: Date?
    /// How many levels above the holder have been told that the report is red.
    public var ladderRung = 0
    /// The next moment something can change; the sweeper looks at nothing before it.
    public var nextCheckAt: Date?

    public init(
        stage: SLAStage? = nil, stageStartedAt: Date? = nil, stageDueAt: Date? = nil, yellowAt: Date? = nil,
        light: TrafficLight? = nil, caseDueAt: Date? = nil, heldAt: Date? = nil, ladderRung: Int = 0, nextCheckAt: Date? = nil
    ) {
        self.stage = stage
        self.stageStartedAt = stageStartedAt
        self.stageDueAt = stageDueAt
        self.yellowAt = yellowAt
        self.light = light
        self.caseDueAt = caseDueAt
        self.heldAt = heldAt
        self.ladderRung = ladderRung
        self.nextCheckAt = nextCheckAt
    }

    /// The light as the figures count it, as of the last sweep: only a running triage or answer stage has one.
    /// A held report keeps the light it stopped at, and a report waiting for its reporter is nobody's lateness.
    public var countedLight: TrafficLight? {
        (stage == .triage || stage == .answer) && heldAt == nil ? light : nil
    }
}

/// Something the sweeper finds has happened to a report's deadlines.
public enum SLAChange: Hashable, Sendable {
    case turned(TrafficLight)
    /// The report has been red long enough that the institution `levelsUp` above the holder is told.
    case ladder(levelsUp: Int)
    /// The reporter did not reply in time: the report completes by itself.
    case replyWindowEnded
    /// Past the whole-case limit: the report escalates to oversight.
    case caseOverdue
}

/// A hold that ended: how long the clock stood still and where the deadline moved.
public struct SLAPause: Hashable, Sendable {
    public let workingDays: Int
    public let seconds: TimeInterval
}

/// The SLA clock: pure functions of a report's deadlines, the time, the holder's calendar and the policy.
public enum SLAClock {
    /// Everything a report's clock needs about where it is.
    public struct Context: Sendable {
        public let calendar: WorkingCalendar
        public let policy: SLAPolicy
        /// Levels above the holder (0 at the national level): how far the escalation ladder can climb.
        public let holderDepth: Int
        public let isEscalated: Bool

        public init(calendar: WorkingCalendar, policy: SLAPolicy, holderDepth: Int, isEscalated: Bool) {
            self.calendar = calendar
            self.policy = policy
            self.holderDepth = holderDepth
            self.isEscalated = isEscalated
        }
    }

    /// The clock of a report received at `now`.
    public static func received(at now: Date, _ context: Context) -> SLAStatus {
        var status = SLAStatus(caseDueAt: deadline(context.policy.wholeCase, from: now, context.calendar))
        start(.triage, at: now, on: &status, context)
        status.nextCheckAt = nextCheck(status, context)
        return status
    }

    /// The clock after a transition, and the pause it ended if it resumed a hold.
    public static func after(_ transition: Transition, _ status: SLAStatus, at now: Date, _ context: Context) -> (SLAStatus, SLAPause?) {
        var next = status
        var pause: SLAPause?
        let to = transition.toState
        if to.isClosed {
            next.stage = nil
            next.light = nil
            next.heldAt = nil
        } else if to == .onHold {
            next.heldAt = next.heldAt ?? now
        } else if transition.fromState == .onHold, let heldAt = status.heldAt {
            pause = resume(&next, heldAt: heldAt, at: now, context)
        } else if restartsStage(transition) {
            if let stage = SLAStage.of(to) { start(stage, at: now, on: &next, context) }
        }
        next.nextCheckAt = nextCheck(next, context)
        return (next, pause)
    }

    /// What has happened by `now` to a report's deadlines, and its clock afterwards.
    public static func sweep(_ status: SLAStatus, at now: Date, _ context: Context) -> (SLAStatus, [SLAChange]) {
        var next = status
        var changes: [SLAChange] = []
        guard let stage = status.stage, status.heldAt == nil else { return (status, []) }
        if stage == .reply {
            if let due = status.stageDueAt, now > due { changes.append(.replyWindowEnded) }
        } else {
            if let current = light(of: status, at: now), current != status.light {
                next.light = current
                changes.append(.turned(current))
            }
            if next.light == .red, let due = status.stageDueAt {
                while next.ladderRung < context.holderDepth,
                    now > context.calendar.addingWorkingDays((next.ladderRung + 1) * context.policy.ladderStep, to: due)
                {
                    next.ladderRung += 1
                    changes.append(.ladder(levelsUp: next.ladderRung))
                }
            }
        }
        // A report that completes now is not escalated as well: the reporter's window closing ends the case.
        if !context.isEscalated, !changes.contains(.replyWindowEnded), let caseDue = status.caseDueAt, now > caseDue {
            changes.append(.caseOverdue)
        }
        next.nextCheckAt = nextCheck(next, context)
        return (next, changes)
    }

    /// The traffic light of a running stage at `now`.
    public static func light(of status: SLAStatus, at now: Date) -> TrafficLight? {
        guard let stage = status.stage, let due = status.stageDueAt else { return nil }
        if stage == .reply { return .green }
        if let heldAt = status.heldAt { return light(of: SLAStatus(stage: stage, stageDueAt: due, yellowAt: status.yellowAt), at: heldAt) }
        // The deadline's last second is still in time: late begins after it (as the `late` filter has it).
        if now > due { return .red }
        if let yellow = status.yellowAt, now >= yellow { return .yellow }
        return .green
    }

    /// The end of a limit counted from `start`: the end of the Nth working (or calendar) day after its day.
    public static func deadline(_ limit: TimeLimit, from start: Date, _ calendar: WorkingCalendar) -> Date {
        switch limit.unit {
        case .workingDays: calendar.addingWorkingDays(limit.amount, to: start)
        case .calendarDays: calendar.endOfDay(calendar.localDate(of: start).adding(days: limit.amount))
        }
    }

    /// When a stage turns yellow: on its last working days (the share of its days, at least one), or at the
    /// share of its time for a limit in calendar days.
    public static func yellowAt(_ limit: TimeLimit, start: Date, due: Date, share: Double, _ calendar: WorkingCalendar) -> Date {
        switch limit.unit {
        case .workingDays:
            let days = max(1, Int((share * Double(limit.amount)).rounded(.up)))
            return max(start, calendar.startOfWorkingDay(days - 1, before: due))
        case .calendarDays:
            return due.addingTimeInterval(-share * due.timeIntervalSince(start))
        }
    }

    private static func start(_ stage: SLAStage, at now: Date, on status: inout SLAStatus, _ context: Context) {
        let limit = context.policy.limit(for: stage)
        let due = deadline(limit, from: now, context.calendar)
        status.stage = stage
        status.stageStartedAt = now
        status.stageDueAt = due
        status.yellowAt = stage == .reply ? nil : yellowAt(limit, start: now, due: due, share: context.policy.yellowShare, context.calendar)
        status.light = light(of: status, at: now)
        status.heldAt = nil
        status.ladderRung = 0
    }

    /// Moves the deadlines on by the time the report stood on hold: what was left of the stage when it was
    /// held is what is left now (at least one working day, unless it was already late, when it stays late).
    private static func resume(_ status: inout SLAStatus, heldAt: Date, at now: Date, _ context: Context) -> SLAPause {
        let calendar = context.calendar
        let paused = max(0, now.timeIntervalSince(heldAt))
        func shifted(_ due: Date, _ unit: TimeUnit) -> Date {
            if unit == .calendarDays || due < heldAt { return due.addingTimeInterval(paused) }
            return calendar.addingWorkingDays(max(1, calendar.workingDays(from: heldAt, to: due)), to: now)
        }
        if let stage = status.stage, let due = status.stageDueAt, let started = status.stageStartedAt {
            let limit = context.policy.limit(for: stage)
            let newDue = shifted(due, limit.unit)
            let newStart = started.addingTimeInterval(paused)
            status.stageDueAt = newDue
            status.stageStartedAt = newStart
            if stage != .reply {
                status.yellowAt = yellowAt(limit, start: min(newStart, newDue), due: newDue, share: context.policy.yellowShare, calendar)
            }
        }
        if let caseDue = status.caseDueAt { status.caseDueAt = shifted(caseDue, context.policy.wholeCase.unit) }
        status.heldAt = nil
        status.light = light(of: status, at: now)
        return SLAPause(workingDays: max(0, calendar.workingDays(from: heldAt, to: now)), seconds: paused)
    }

    /// Transitions that hand the report to someone with a fresh stage: a dispatch, a report bounced up as
    /// not-our-authority, an answer (the reporter's window), a reply that sends it back, a reopening.
    private static func restartsStage(_ transition: Transition) -> Bool {
        switch transition.kind {
        case .dispatch, .notOurAuthority, .answer, .reopen: true
        case .reply: transition.fromState == .answered
        default: false
        }
    }

    private static func nextCheck(_ status: SLAStatus, _ context: Context) -> Date? {
        guard let stage = status.stage, status.heldAt == nil else { return nil }
        var candidates: [Date] = []
        // A deadline passes the moment after its last second.
        if stage == .reply {
            if let due = status.stageDueAt { candidates.append(due.addingTimeInterval(1)) }
        } else if let due = status.stageDueAt {
            switch status.light {
            case .green: if let yellow = status.yellowAt { candidates.append(yellow) }
            case .yellow: candidates.append(due.addingTimeInterval(1))
            case .red:
                if status.ladderRung < context.holderDepth {
                    candidates.append(
                        context.calendar.addingWorkingDays((status.ladderRung + 1) * context.policy.ladderStep, to: due).addingTimeInterval(
                            1))
                }
            case nil: candidates.append(due.addingTimeInterval(1))
            }
        }
        if !context.isEscalated, let caseDue = status.caseDueAt { candidates.append(caseDue.addingTimeInterval(1)) }
        return candidates.min()
    }
}
