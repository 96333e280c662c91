import Foundation
import TanggapCore
import Testing

/// Working-day arithmetic on real Indonesian calendars.
@Suite struct WorkingCalendarTests {
    static let wib = TimeZone(identifier: "Asia/Jakarta")!
    static let wita = TimeZone(identifier: "Asia/Makassar")!
    static let wit = TimeZone(identifier: "Asia/Jayapura")!

    /// The national holidays shipped with Tanggap, read from the same CSV the import uses.
    static let nationalHolidays: [Holiday] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Resources/Data/id-public-holidays.csv")
        let text = try! String(contentsOf: url, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let parts = line.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, let date = LocalDate(iso: String(parts[0])) else { return nil }
            return Holiday(date: date, name: String(parts[1]), kind: .national)
        }
    }()

    static func date(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    static func instant(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    @Test func theFridayBeforeTheLongEidWeekendOf2024() {
        // Idul Fitri 10–11 April 2024, with cuti bersama on the 8th, 9th, 12th and 15th.
        let cutiBersama = ["2024-04-08", "2024-04-09", "2024-04-12", "2024-04-15"].map {
            Holiday(date: Self.date($0), name: "Cuti bersama Idul Fitri", kind: .collectiveLeave)
        }
        let calendar = WorkingCalendar(timeZone: Self.wib, holidays: Self.nationalHolidays + cutiBersama)
        let friday = Self.instant("2024-04-05T16:00:00+07:00")
        let due = calendar.addingWorkingDays(3, to: friday)
        #expect(calendar.localDate(of: due) == Self.date("2024-04-18"))
        #expect(due == Self.instant("2024-04-18T23:59:59+07:00"))
        // Without the cuti bersama the same report would be due four working days earlier.
        let withoutLeave = WorkingCalendar(timeZone: Self.wib, holidays: Self.nationalHolidays)
        #expect(withoutLeave.localDate(of: withoutLeave.addingWorkingDays(3, to: friday)) == Self.date("2024-04-12"))
    }

    @Test func nyepiAndEidTogetherIn2025() {
        let cutiBersama = ["2025-03-28", "2025-04-02", "2025-04-03", "2025-04-04", "2025-04-07"].map {
            Holiday(date: Self.date($0), name: "Cuti bersama", kind: .collectiveLeave)
        }
        let calendar = WorkingCalendar(timeZone: Self.wib, holidays: Self.nationalHolidays + cutiBersama)
        let thursday = Self.instant("2025-03-27T14:00:00+07:00")
        #expect(calendar.localDate(of: calendar.addingWorkingDays(1, to: thursday)) == Self.date("2025-04-08"))
        #expect(calendar.localDate(of: calendar.addingWorkingDays(3, to: thursday)) == Self.date("2025-04-10"))
        #expect(calendar.workingDays(from: thursday, to: Self.instant("2025-04-10T09:00:00+07:00")) == 3)
    }

    @Test func halfPastElevenAtNightIsADifferentDayInPapuaThanInJava() {
        // 16:30 UTC on Thursday: 23:30 on Thursday in WIB, already 01:30 on Friday in WIT.
        let moment = Self.instant("2026-11-19T16:30:00Z")
        let java = WorkingCalendar(timeZone: Self.wib), papua = WorkingCalendar(timeZone: Self.wit),
            bali = WorkingCalendar(timeZone: Self.wita)
        #expect(java.localDate(of: moment) == Self.date("2026-11-19"))
        #expect(papua.localDate(of: moment) == Self.date("2026-11-20"))
        #expect(bali.localDate(of: moment) == Self.date("2026-11-20"))
        #expect(java.addingWorkingDays(1, to: moment) == Self.instant("2026-11-20T23:59:59+07:00"))
        #expect(papua.addingWorkingDays(1, to: moment) == Self.instant("2026-11-23T23:59:59+09:00"))
        #expect(papua.startOfDay(Self.date("2026-11-20")) == Self.instant("2026-11-19T15:00:00Z"))
    }

    @Test func localHolidaysAndOtherWorkingWeeks() {
        // A regency's anniversary, and a hospital that works on Saturdays.
        let anniversary = Holiday(date: Self.date("2026-11-24"), name: "Hari Jadi Kabupaten", kind: .local)
        let regency = WorkingCalendar(timeZone: Self.wib, holidays: [anniversary])
        let monday = Self.instant("2026-11-23T10:00:00+07:00")
        #expect(regency.localDate(of: regency.addingWorkingDays(1, to: monday)) == Self.date("2026-11-25"))
        let hospital = WorkingCalendar(timeZone: Self.wib, workingWeekdays: [1, 2, 3, 4, 5, 6])
        let friday = Self.instant("2026-11-20T10:00:00+07:00")
        #expect(hospital.localDate(of: hospital.addingWorkingDays(1, to: friday)) == Self.date("2026-11-21"))
    }

    @Test func dayNumbersRoundTripAcrossCenturies() {
        for number in stride(from: -700_000, through: 2_900_000, by: 997) {
            #expect(LocalDate(dayNumber: number).dayNumber == number)
        }
        #expect(Self.date("2026-11-23").weekday == 1)
        #expect(Self.date("2000-02-29").adding(days: 1) == Self.date("2000-03-01"))
        #expect(Self.date("1970-01-01").dayNumber == 0)
    }

    /// Random calendars, instants and counts: the properties every deadline relies on.
    @Test(arguments: 0..<8)
    func propertiesOfWorkingDayArithmetic(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<60 {
            let zone = [Self.wib, Self.wita, Self.wit].randomElement(using: &rng)!
            var weekdays = Set((1...7).filter { _ in Int.random(in: 0..<10, using: &rng) < 7 })
            if weekdays.isEmpty { weekdays = [3] }
            let extra = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in
                Holiday(date: Self.date("2026-01-01").adding(days: Int.random(in: 0..<400, using: &rng)), name: "Libur", kind: .local)
            }
            let calendar = WorkingCalendar(timeZone: zone, workingWeekdays: weekdays, holidays: Self.nationalHolidays + extra)
            for _ in 0..<25 {
                let start = Date(timeIntervalSince1970: 1_767_225_600 + Double.random(in: 0..<(300 * 86_400), using: &rng))
                let count = Int.random(in: 1...15, using: &rng)
                let due = calendar.addingWorkingDays(count, to: start)
                #expect(calendar.workingDays(from: start, to: due) == count, "adding and counting back agree")
                #expect(calendar.isWorkingDay(calendar.localDate(of: due)), "a deadline falls on a working day")
                #expect(due > start)
                let later = start.addingTimeInterval(Double.random(in: 0..<(5 * 86_400), using: &rng))
                #expect(calendar.addingWorkingDays(count, to: later) >= due, "later start, later (or equal) deadline")
                #expect(calendar.addingWorkingDays(count + 1, to: start) > due, "more days, later deadline")
                #expect(calendar.workingDays(from: due, to: start) == -count)
            }
        }
    }
}
