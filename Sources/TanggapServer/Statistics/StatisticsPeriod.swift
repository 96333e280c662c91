import Foundation
import TanggapCore

/// The periods statistics and dashboards are read over: whole months of receipt, as the figures are kept.
enum StatisticsPeriod: String, CaseIterable, Sendable {
    case thisMonth = "bulan", twelveMonths = "tahun", all = "semua"

    /// The tally periods that make up this one, as of `now`.
    func tallyPeriods(now: Date, zone: TimeZone) -> [String] {
        switch self {
        case .thisMonth: return [ReportTallies.month(of: now, in: zone)]
        case .twelveMonths:
            let today = LocalDate(now, in: zone)
            return (0..<12).map { back in
                let months = today.year * 12 + (today.month - 1) - back
                return String(format: "%04d-%02d", months / 12, months % 12 + 1)
            }
        case .all: return [ReportTallies.allTime]
        }
    }
}
