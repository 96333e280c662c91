/// The stages a report's clock runs through, each with its own limit.
public enum SLAStage: String, CaseIterable, Codable, Sendable {
    /// Verify and dispatch a report that came in (or came back up as not-our-authority).
    case triage
    /// Post the first answer (tindak lanjut) after dispatch.
    case answer
    /// The reporter's window to reply to an answer; when it closes the report completes by itself.
    case reply

    /// The stage a report in `state` is in; nil for closed states and holds (whose clock is frozen).
    public static func of(_ state: ReportState) -> SLAStage? {
        switch state {
        case .received, .verified: .triage
        case .dispatched: .answer
        case .answered: .reply
        case .onHold, .completed, .archived: nil
        }
    }
}

public enum TimeUnit: String, CaseIterable, Codable, Sendable {
    case workingDays = "working_days"
    case calendarDays = "calendar_days"
}

public struct TimeLimit: Hashable, Sendable, Codable {
    public let amount: Int
    public let unit: TimeUnit

    public init(_ amount: Int, _ unit: TimeUnit) {
        precondition(amount > 0, "a limit is at least one day")
        self.amount = amount
        self.unit = unit
    }
}

public enum TrafficLight: String, CaseIterable, Codable, Sendable {
    case green, yellow, red
}

/// The time limits that apply to a report: per deployment, overridden per institution and per classification.
public struct SLAPolicy: Hashable, Sendable {
    public var triage = TimeLimit(3, .workingDays)
    public var answer = TimeLimit(5, .workingDays)
    public var reply = TimeLimit(10, .workingDays)
    /// The whole case, from receipt; past it the report escalates to oversight.
    public var wholeCase = TimeLimit(60, .calendarDays)
    /// A stage turns yellow when less than this share of its time is left.
    public var yellowShare = 0.3
    /// Working days a report stays red before the next level up is told, and the next after that.
    public var ladderStep = 2

    /// The limits of DOMAIN.md.
    public static let standard = SLAPolicy()

    public init() {}

    public func limit(for stage: SLAStage) -> TimeLimit {
        switch stage {
        case .triage: triage
        case .answer: answer
        case .reply: reply
        }
    }

    /// One override: any limit it sets replaces the one before it.
    public struct Override: Hashable, Sendable, Codable {
        public var triage: TimeLimit?
        public var answer: TimeLimit?
        public var reply: TimeLimit?
        public var wholeCase: TimeLimit?
        public var yellowShare: Double?
        public var ladderStep: Int?

        public init(
            triage: TimeLimit? = nil, answer: TimeLimit? = nil, reply: TimeLimit? = nil, wholeCase: TimeLimit? = nil,
            yellowShare: Double? = nil, ladderStep: Int? = nil
        ) {
            self.triage = triage
            self.answer = answer
            self.reply = reply
            self.wholeCase = wholeCase
            self.yellowShare = yellowShare
            self.ladderStep = ladderStep
        }
    }

    /// Applies overrides in order, most general first (deployment, then each institution from the top down,
    /// each followed by its classification-specific override).
    public func applying(_ overrides: [Override]) -> SLAPolicy {
        var policy = self
        for override in overrides {
            if let value = override.triage { policy.triage = value }
            if let value = override.answer { policy.answer = value }
            if let value = override.reply { policy.reply = value }
            if let value = override.wholeCase { policy.wholeCase = value }
            if let value = override.yellowShare { policy.yellowShare = value }
            if let value = override.ladderStep { policy.ladderStep = value }
        }
        return policy
    }
}
