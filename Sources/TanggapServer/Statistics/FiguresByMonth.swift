import Foundation
import TanggapCore

/// What reports read (or written) in order of receipt add to the kept figures, gathered per month and handed over
/// when a month is complete: a recount or a bulk load holds one month and "all time" in memory, never the whole history.
struct FiguresByMonth {
    private var month: [ReportTallies.Key: PerformanceFigures] = [:]
    private var lifetime: [ReportTallies.Key: PerformanceFigures] = [:]
    private var currentMonth = ""

    /// Counts the reports (in order of receipt); returns the figures of the months they have left behind.
    mutating func count(_ reports: [ReportTallies.Facts], zone: TimeZone) -> [ReportTallies.Key: PerformanceFigures] {
        var finished: [ReportTallies.Key: PerformanceFigures] = [:]
        for facts in reports {
            guard let counted = ReportTallies.contribution(facts, zone: zone) else { continue }
            for key in counted.keys {
                if key.period == ReportTallies.allTime {
                    lifetime[key, default: PerformanceFigures()] += counted.figures
                    continue
                }
                if key.period != currentMonth {
                    finished.merge(month) { $0 + $1 }
                    month = [:]
                    currentMonth = key.period
                }
                month[key, default: PerformanceFigures()] += counted.figures
            }
        }
        return finished
    }

    /// The figures not handed over yet: the last month and all time.
    var remaining: [ReportTallies.Key: PerformanceFigures] { month.merging(lifetime) { $0 + $1 } }
}
