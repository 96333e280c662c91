/// Problems growing against their own past: for each region and category, the incidents of this week against the
/// weekly average of the eight weeks before. An incident is a case — the reports merged into it as duplicates are
/// its reporters, not more incidents — so forty people reporting one broken bridge count once, with forty
/// reporters, and a flood of repeats is not mistaken for a wave of new problems.
///
/// The statistic, in one line a reviewer can check by hand: with μ the weekly average before and x this week's
/// incidents, the rise is z = (x − μ) / √(μ + 1) — how many "usual fluctuations" above normal this week is (for counts,
/// the fluctuation grows like the square root of the average; the +1 keeps a topic that was silent from rising on a
/// single report). A topic rises when x ≥ `minimumIncidents` and z ≥ `minimumRise`.
public enum RisingIncidents {
    public struct Topic: Hashable, Sendable {
        public let regionID: Int64?
        public let categoryID: Int64?

        public init(regionID: Int64?, categoryID: Int64?) {
            self.regionID = regionID
            self.categoryID = categoryID
        }
    }

    public struct Week: Sendable {
        public var incidents = 0
        public var reporters = 0

        public init(incidents: Int = 0, reporters: Int = 0) {
            self.incidents = incidents
            self.reporters = reporters
        }
    }

    public struct Rise: Sendable, Equatable {
        public let topic: Topic
        public let incidents: Int
        public let reporters: Int
        /// Incidents per week, on average over the weeks before.
        public let weeklyBefore: Double
        public let score: Double
    }

    public static let weeksBefore = 8
    public static let minimumIncidents = 3
    public static let minimumRise = 2.0

    public static func score(incidents: Int, weeklyBefore: Double) -> Double {
        (Double(incidents) - weeklyBefore) / (weeklyBefore + 1).squareRoot()
    }

    /// The topics that rose this week, most striking first. `before` holds each topic's incidents summed over the
    /// `weeks` weeks before.
    public static func rising(
        thisWeek: [Topic: Week], before: [Topic: Int], weeks: Int = weeksBefore, limit: Int = 10
    ) -> [Rise] {
        thisWeek.compactMap { topic, week -> Rise? in
            let average = Double(before[topic] ?? 0) / Double(max(weeks, 1))
            let score = score(incidents: week.incidents, weeklyBefore: average)
            guard week.incidents >= minimumIncidents, score >= minimumRise else { return nil }
            return Rise(topic: topic, incidents: week.incidents, reporters: week.reporters, weeklyBefore: average, score: score)
        }
        .sorted { a, b in
            a.score != b.score
                ? a.score > b.score
                : (a.topic.regionID ?? 0, a.topic.categoryID ?? 0) < (b.topic.regionID ?? 0, b.topic.categoryID ?? 0)
        }
        .prefix(limit).map { $0 }
    }
}
