import Foundation

/// What statistics need to know of one report: no text, no person, only where it stands and how it went.
public struct ReportFacts: Sendable {
    public var state: ReportState
    /// The light of a running triage or answer stage; nil when closed, on hold or waiting for the reporter.
    public var light: TrafficLight?
    /// Whether the first answer came after its deadline; nil while there is none.
    public var firstAnswerLate: Bool?
    /// Working days from receipt to the first answer; nil while there is none.
    public var workingDaysToFirstAnswer: Int?
    public var rating: Rating?
    /// Sent back up as not-our-authority at least once.
    public var bounced: Bool

    public init(
        state: ReportState, light: TrafficLight?, firstAnswerLate: Bool?, workingDaysToFirstAnswer: Int?, rating: Rating?, bounced: Bool
    ) {
        self.state = state
        self.light = light
        self.firstAnswerLate = firstAnswerLate
        self.workingDaysToFirstAnswer = workingDaysToFirstAnswer
        self.rating = rating
        self.bounced = bounced
    }
}

/// How an institution, a unit or a region did: the public figures and the dashboard's workload, as counters only,
/// so that figures can be kept per institution and month and added up (or taken away) without reading reports again.
public struct PerformanceFigures: Sendable, Equatable {
    public var received = 0
    public var open = 0
    /// Open and on hold: the clock is paused, waiting for the reporter.
    public var onHold = 0
    public var green = 0
    public var yellow = 0
    /// Open now and past the deadline of the stage they are in.
    public var red = 0
    public var answered = 0
    public var answeredInTime = 0
    public var completed = 0
    public var rated = 0
    /// Rated very satisfied or satisfied.
    public var satisfied = 0
    public var bounced = 0
    /// `answerDays[n]`: first answers given after n working days; the last slot holds that many or more.
    public var answerDays = [Int](repeating: 0, count: Self.answerDaySlots)

    /// 0 to 30 working days, the last slot meaning "30 or more": deadlines are counted in single working days.
    public static let answerDaySlots = 31

    public init() {}

    public init(_ facts: ReportFacts) {
        count(facts)
    }

    public mutating func count(_ facts: ReportFacts) {
        received += 1
        if !facts.state.isClosed {
            open += 1
            if facts.state == .onHold { onHold += 1 }
            switch facts.light {
            case .green: green += 1
            case .yellow: yellow += 1
            case .red: red += 1
            case nil: break
            }
        }
        if let late = facts.firstAnswerLate {
            answered += 1
            if !late { answeredInTime += 1 }
            if let days = facts.workingDaysToFirstAnswer { answerDays[min(max(days, 0), Self.answerDaySlots - 1)] += 1 }
        }
        if facts.state == .completed { completed += 1 }
        if let rating = facts.rating {
            rated += 1
            if rating == .verySatisfied || rating == .satisfied { satisfied += 1 }
        }
        if facts.bounced { bounced += 1 }
    }

    /// Open now and past the deadline: the public name of red.
    public var lateNow: Int { red }

    /// Share of answered reports whose first answer came in time, in percent; nil before any answer.
    public var inTimePercent: Double? { Self.percent(answeredInTime, of: answered) }
    public var satisfiedPercent: Double? { Self.percent(satisfied, of: rated) }
    public var completedPercent: Double? { Self.percent(completed, of: received) }
    public var bouncedPercent: Double? { Self.percent(bounced, of: received) }

    /// The median working days to a first answer (the mean of the middle two for an even count); nil before any.
    public var medianWorkingDaysToFirstAnswer: Double? {
        let total = answerDays.reduce(0, +)
        guard total > 0 else { return nil }
        func value(at position: Int) -> Int {
            var seen = 0
            for (days, count) in answerDays.enumerated() {
                seen += count
                if seen > position { return days }
            }
            return answerDays.count - 1
        }
        return total % 2 == 1 ? Double(value(at: total / 2)) : Double(value(at: total / 2 - 1) + value(at: total / 2)) / 2
    }

    static func percent(_ part: Int, of whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) * 100 / Double(whole)
    }

    /// Every counter with its name, in one order: what is stored, summed and subtracted.
    /// (Key paths are immutable; the compiler cannot yet see that they are safe to share.)
    nonisolated(unsafe) public static let counters: [(name: String, path: WritableKeyPath<PerformanceFigures, Int>)] =
        [
            ("received", \.received), ("open", \.open), ("on_hold", \.onHold), ("green", \.green), ("yellow", \.yellow),
            ("red", \.red), ("answered", \.answered), ("answered_in_time", \.answeredInTime), ("completed", \.completed),
            ("rated", \.rated), ("satisfied", \.satisfied), ("bounced", \.bounced),
        ] + (0..<answerDaySlots).map { day in ("answer_days_\(day)", \PerformanceFigures.answerDays[day]) }

    public static func + (a: Self, b: Self) -> Self {
        var sum = a
        sum += b
        return sum
    }

    /// Written out field by field: these run for every change to a report, and key paths are slow in a loop.
    public static func += (a: inout Self, b: Self) {
        a.received += b.received
        a.open += b.open
        a.onHold += b.onHold
        a.green += b.green
        a.yellow += b.yellow
        a.red += b.red
        a.answered += b.answered
        a.answeredInTime += b.answeredInTime
        a.completed += b.completed
        a.rated += b.rated
        a.satisfied += b.satisfied
        a.bounced += b.bounced
        for slot in 0..<answerDaySlots { a.answerDays[slot] += b.answerDays[slot] }
    }

    public static func - (a: Self, b: Self) -> Self {
        var difference = a
        difference -= b
        return difference
    }

    public static func -= (a: inout Self, b: Self) {
        a.received -= b.received
        a.open -= b.open
        a.onHold -= b.onHold
        a.green -= b.green
        a.yellow -= b.yellow
        a.red -= b.red
        a.answered -= b.answered
        a.answeredInTime -= b.answeredInTime
        a.completed -= b.completed
        a.rated -= b.rated
        a.satisfied -= b.satisfied
        a.bounced -= b.bounced
        for slot in 0..<answerDaySlots { a.answerDays[slot] -= b.answerDays[slot] }
    }

    public var isZero: Bool { self == Self() }
}

/// The order of the public ranking: the best share answered in time first; among equals, fewer late now,
/// then more received. Those with no answer yet come last.
public enum PerformanceRanking {
    public static func precedes(_ a: PerformanceFigures, _ b: PerformanceFigures) -> Bool {
        switch (a.inTimePercent, b.inTimePercent) {
        case (nil, nil): break
        case (nil, _): return false
        case (_, nil): return true
        case let (x?, y?) where x != y: return x > y
        default: break
        }
        if a.lateNow != b.lateNow { return a.lateNow < b.lateNow }
        return a.received > b.received
    }
}
