import Foundation

/// What statistics need to know of one report: no text, no person, only moments and outcomes.
public struct ReportFacts: Sendable {
    public var createdAt: Date
    public var firstAnsweredAt: Date?
    /// Whether the first answer came after its deadline; nil while there is none.
    public var firstAnswerLate: Bool?
    public var state: ReportState
    /// Open, its stage running (not on hold) and past the stage's deadline at the moment of counting.
    public var isLateNow: Bool
    public var rating: Rating?

    public init(createdAt: Date, firstAnsweredAt: Date?, firstAnswerLate: Bool?, state: ReportState, isLateNow: Bool, rating: Rating?) {
        self.createdAt = createdAt
        self.firstAnsweredAt = firstAnsweredAt
        self.firstAnswerLate = firstAnswerLate
        self.state = state
        self.isLateNow = isLateNow
        self.rating = rating
    }
}

/// How one institution or region did, as the public statistics show it.
public struct PerformanceFigures: Sendable, Equatable {
    public var received = 0
    public var answered = 0
    public var answeredInTime = 0
    /// Open now and past the deadline of the stage they are in.
    public var lateNow = 0
    public var completed = 0
    public var rated = 0
    /// Rated very satisfied or satisfied.
    public var satisfied = 0
    /// Days from receipt to the first answer, for the median.
    private var daysToFirstAnswer: [Double] = []

    public init() {}

    public mutating func count(_ facts: ReportFacts) {
        received += 1
        if let answeredAt = facts.firstAnsweredAt {
            answered += 1
            if facts.firstAnswerLate == false { answeredInTime += 1 }
            daysToFirstAnswer.append(max(0, answeredAt.timeIntervalSince(facts.createdAt)) / 86_400)
        }
        if facts.isLateNow { lateNow += 1 }
        if facts.state == .completed { completed += 1 }
        if let rating = facts.rating {
            rated += 1
            if rating == .verySatisfied || rating == .satisfied { satisfied += 1 }
        }
    }

    /// Share of answered reports whose first answer came in time, in percent; nil before any answer.
    public var inTimePercent: Double? { Self.percent(answeredInTime, of: answered) }
    public var satisfiedPercent: Double? { Self.percent(satisfied, of: rated) }
    public var completedPercent: Double? { Self.percent(completed, of: received) }

    /// The median of the days to a first answer (the mean of the middle two for an even count).
    public var medianDaysToFirstAnswer: Double? { median(daysToFirstAnswer) }

    static func percent(_ part: Int, of whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) * 100 / Double(whole)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.received == b.received && a.answered == b.answered && a.answeredInTime == b.answeredInTime && a.lateNow == b.lateNow
            && a.completed == b.completed && a.rated == b.rated && a.satisfied == b.satisfied
            && a.medianDaysToFirstAnswer == b.medianDaysToFirstAnswer
    }
}

/// The middle of the sorted values (the mean of the middle two for an even count); nil for none.
func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted(), middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
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
