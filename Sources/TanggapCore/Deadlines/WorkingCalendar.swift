import Foundation

/// Why a day is off.
public enum HolidayKind: String, CaseIterable, Codable, Sendable {
    /// Hari libur nasional.
    case national
    /// Cuti bersama: collective leave the government adds around holidays each year.
    case collectiveLeave = "cuti_bersama"
    /// A day off for one region or body only.
    case local
}

public struct Holiday: Hashable, Sendable, Codable {
    public let date: LocalDate
    public let name: String
    public let kind: HolidayKind

    public init(date: LocalDate, name: String, kind: HolidayKind) {
        self.date = date
        self.name = name
        self.kind = kind
    }
}

/// The working days of an institution: which weekdays it works, which dated days it does not, and the time
/// zone its days begin and end in (WIB +7, WITA +8, WIT +9 in Indonesia).
///
/// A deadline of N working days is the end (23:59:59 local) of the Nth working day after the day the clock
/// starts, so it always falls on a working day and a report received on a Friday evening loses no time.
public struct WorkingCalendar: Sendable {
    public let timeZone: TimeZone
    /// ISO weekdays, 1 (Monday) to 7 (Sunday).
    public let workingWeekdays: Set<Int>
    public let holidays: [LocalDate: Holiday]
    /// The zone's offset when it has no daylight-saving changes (Indonesia's zones have none since 1964), so
    /// that date arithmetic does not ask the zone database for every instant.
    private let fixedOffset: Int?

    /// Monday to Friday.
    public static let officeWeek: Set<Int> = [1, 2, 3, 4, 5]

    public init(timeZone: TimeZone, workingWeekdays: Set<Int> = officeWeek, holidays: [Holiday] = []) {
        precondition(!workingWeekdays.isEmpty && workingWeekdays.isSubset(of: 1...7), "a calendar needs working weekdays")
        self.timeZone = timeZone
        self.workingWeekdays = workingWeekdays
        self.holidays = Dictionary(holidays.map { ($0.date, $0) }, uniquingKeysWith: { first, _ in first })
        let recent = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
        fixedOffset =
            timeZone.nextDaylightSavingTimeTransition(after: recent) == nil
                && timeZone.secondsFromGMT(for: recent) == timeZone.secondsFromGMT()
            ? timeZone.secondsFromGMT() : nil
    }

    private func offset(at instant: Date) -> Int {
        fixedOffset ?? timeZone.secondsFromGMT(for: instant)
    }

    public func isWorkingDay(_ date: LocalDate) -> Bool {
        workingWeekdays.contains(date.weekday) && holidays[date] == nil
    }

    /// The calendar day an instant falls on, here.
    public func localDate(of instant: Date) -> LocalDate {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offset(at: instant)
        return LocalDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
    }

    /// Local midnight at the start of `date`.
    public func startOfDay(_ date: LocalDate) -> Date {
        let utcMidnight = Date(timeIntervalSince1970: TimeInterval(date.dayNumber) * 86_400)
        let guess = utcMidnight.addingTimeInterval(-TimeInterval(offset(at: utcMidnight)))
        return utcMidnight.addingTimeInterval(-TimeInterval(offset(at: guess)))
    }

    /// The last second of `date`, local time.
    public func endOfDay(_ date: LocalDate) -> Date {
        startOfDay(date.adding(days: 1)).addingTimeInterval(-1)
    }

    /// The first working day after `date`.
    public func nextWorkingDay(after date: LocalDate) -> LocalDate {
        var day = date.adding(days: 1)
        var steps = 0
        // Ten years without a working day would be a broken calendar, not a long holiday.
        while !isWorkingDay(day) && steps < 3_660 {
            day = day.adding(days: 1)
            steps += 1
        }
        return day
    }

    /// The Nth working day after the day of `instant`.
    public func workingDay(_ count: Int, after instant: Date) -> LocalDate {
        var day = localDate(of: instant)
        for _ in 0..<max(count, 0) { day = nextWorkingDay(after: day) }
        return day
    }

    /// The end of the Nth working day after the day of `instant`; `instant` itself for N = 0.
    public func addingWorkingDays(_ count: Int, to instant: Date) -> Date {
        count <= 0 ? instant : endOfDay(workingDay(count, after: instant))
    }

    /// Working days after the day of `from`, up to and including the day of `to`; negative when `to` is earlier.
    public func workingDays(from: Date, to: Date) -> Int {
        let start = localDate(of: from), end = localDate(of: to)
        if end < start { return -workingDays(from: to, to: from) }
        var count = 0
        var day = start.adding(days: 1)
        while day <= end {
            if isWorkingDay(day) { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }

    /// The start of the working day `count` working days before the day of `instant` (0: its own day).
    public func startOfWorkingDay(_ count: Int, before instant: Date) -> Date {
        var day = localDate(of: instant)
        var remaining = count
        while remaining > 0 {
            day = day.adding(days: -1)
            if isWorkingDay(day) { remaining -= 1 }
        }
        return startOfDay(day)
    }
}
