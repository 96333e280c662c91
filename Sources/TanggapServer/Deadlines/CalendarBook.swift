import Fluent
import Foundation
import SQLKit
import Synchronization
import TanggapCore

/// The calendar and the limits that apply to a report held by an institution, built from the tree:
/// time zone and working weekdays from the nearest institution that sets them, holidays from the whole path
/// (national ones have no institution), limits from the deployment's defaults and every override on the path.
///
/// Calendars change a few times a year, so they are kept for a minute per process; an edit in this process
/// clears them at once.
final class CalendarBook: Sendable {
    struct Entry: Sendable {
        let calendar: WorkingCalendar
        let overrides: [SLAOverrideRow]
        let loadedAt: Date
    }

    private let cache = Mutex<[Int64: Entry]>([:])
    private let defaultZone: TimeZone
    private let defaults: SLAPolicy
    private let lifetime: TimeInterval = 60

    init(defaultZone: TimeZone, defaults: SLAPolicy) {
        self.defaultZone = defaultZone
        self.defaults = defaults
    }

    func clear() { cache.withLock { $0.removeAll() } }

    /// Everything the SLA clock needs for a report held at `holder`.
    func context(
        for holder: InstitutionPath, classification: Classification, isEscalated: Bool, now: Date, on db: any Database
    ) async throws -> SLAClock.Context {
        let entry = try await entry(for: holder, now: now, on: db)
        let applicable = entry.overrides.filter { $0.classification == nil || $0.classification == classification }
        return SLAClock.Context(
            calendar: entry.calendar, policy: defaults.applying(applicable.map(\.override)), holderDepth: holder.depth,
            isEscalated: isEscalated)
    }

    func calendar(for holder: InstitutionPath, now: Date, on db: any Database) async throws -> WorkingCalendar {
        try await entry(for: holder, now: now, on: db).calendar
    }

    private func entry(for holder: InstitutionPath, now: Date, on db: any Database) async throws -> Entry {
        if let cached = cache.withLock({ $0[holder.institutionID] }), now.timeIntervalSince(cached.loadedAt) < lifetime,
            now >= cached.loadedAt
        {
            return cached
        }
        let entry = try await load(holder, now: now, on: db)
        cache.withLock { $0[holder.institutionID] = entry }
        return entry
    }

    private func load(_ holder: InstitutionPath, now: Date, on db: any Database) async throws -> Entry {
        let institutions = try await InstitutionModel.query(on: db).filter(\.$id ~~ holder.ids).all()
        let byID = Dictionary(uniqueKeysWithValues: institutions.map { ($0.id!, $0) })
        let nearestFirst = holder.ids.reversed().compactMap { byID[$0] }
        let zone = nearestFirst.lazy.compactMap { $0.timeZone.flatMap(TimeZone.init(identifier:)) }.first ?? defaultZone
        let weekdays = nearestFirst.lazy.compactMap { $0.workingWeekdays.flatMap(Self.weekdays) }.first ?? WorkingCalendar.officeWeek
        let holidays = try await HolidayStore.holidays(onPath: holder, on: db)
        let overrides = try await SLAOverrideRow.onPath(holder, on: db)
        return Entry(
            calendar: WorkingCalendar(timeZone: zone, workingWeekdays: weekdays, holidays: holidays), overrides: overrides, loadedAt: now)
    }

    /// "1,2,3,4,5" as ISO weekdays; nil when it is not a usable set.
    static func weekdays(_ text: String) -> Set<Int>? {
        let values = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let set = Set(values)
        guard !set.isEmpty, set.isSubset(of: 1...7), values.count == text.split(separator: ",").count else { return nil }
        return set
    }
}
