/// What a dashboard adds to the public figures: the open work by traffic light, reports bounced as not-ours,
/// and the median in working days (the unit the deadlines are set in).
public struct WorkloadFigures: Sendable, Equatable {
    public var open = 0
    public var green = 0
    public var yellow = 0
    public var red = 0
    /// Open and on hold: the clock is paused, waiting for the reporter.
    public var onHold = 0
    /// Reports that were sent back up as not-our-authority at least once.
    public var bounced = 0
    public var received = 0
    private var workingDays: [Int] = []

    public init() {}

    /// `light` is the report's light now (nil when closed or on hold); `workingDaysToFirstAnswer` nil until answered.
    public mutating func count(state: ReportState, light: TrafficLight?, bounced wasBounced: Bool, workingDaysToFirstAnswer: Int?) {
        received += 1
        if !state.isClosed {
            open += 1
            if state == .onHold { onHold += 1 }
            switch light {
            case .green: green += 1
            case .yellow: yellow += 1
            case .red: red += 1
            case nil: break
            }
        }
        if wasBounced { bounced += 1 }
        if let days = workingDaysToFirstAnswer { workingDays.append(days) }
    }

    public var bouncedPercent: Double? { PerformanceFigures.percent(bounced, of: received) }

    public var medianWorkingDaysToFirstAnswer: Double? { median(workingDays.map(Double.init)) }
}
