import Fluent
import Foundation
import SQLKit
import Synchronization
import TanggapCore

/// Figures read from the tallies, kept until anything they could depend on changes. Statistics and dashboards are
/// read far more often than reports change at the national level's scale, and the same few hundred tally rows
/// would otherwise be summed on every visit.
///
/// What counts as a change: every change to a report's figures is written together with an event in its history,
/// and every change to the tree (a new unit, a rename) with an entry in the administrative audit. The newest id of
/// each is one index lookup, read before the figures, so a value is served only while neither has moved. On SQLite
/// ids are handed out in commit order, so this is exact. On PostgreSQL a transaction may commit after one with a
/// later id was read; its change then shows with the next one, and `longestKeep` bounds the wait.
final class FiguresCache: Sendable {
    private struct Entry {
        let version: Version
        let storedAt: Date
        let value: any Sendable
    }

    struct Version: Equatable, Decodable {
        let events: Int64
        let changes: Int64
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let longestKeep: TimeInterval
    private let mostEntries: Int

    init(longestKeep: TimeInterval = 60, mostEntries: Int = 2_000) {
        self.longestKeep = longestKeep
        self.mostEntries = mostEntries
    }

    /// The value kept under `key` if nothing changed since it was computed; otherwise `compute`'s, kept.
    func value<T: Sendable>(
        _ key: String, now: Date, on db: any Database, compute: () async throws -> T
    ) async throws -> T {
        let version = try await Self.version(on: db)
        if let entry = entries.withLock({ $0[key] }), entry.version == version,
            now.timeIntervalSince(entry.storedAt) < longestKeep, let value = entry.value as? T
        {
            return value
        }
        let value = try await compute()
        entries.withLock { entries in
            // Keys are institutions × periods, so the bound is only reached by crawlers walking every page.
            if entries.count >= mostEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(version: version, storedAt: now, value: value)
        }
        return value
    }

    static func version(on db: any Database) async throws -> Version {
        try await db.sql.raw(
            """
            SELECT (SELECT COALESCE(MAX(id), 0) FROM report_events) AS events,
                   (SELECT COALESCE(MAX(id), 0) FROM admin_audit) AS changes
            """
        ).first(decoding: Version.self) ?? Version(events: 0, changes: 0)
    }
}

extension InstitutionFigures {
    /// `lines(under:periods:on:)`, kept (when a cache is given) in `cache` until a report or the tree changes.
    static func lines(
        under institution: Institution, periods: [String], cache: FiguresCache?, now: Date, on db: any Database
    ) async throws -> (Self, [Line]) {
        guard let cache else { return try await lines(under: institution, periods: periods, on: db) }
        return try await cache.value("lines \(institution.id) \(periods)", now: now, on: db) {
            try await lines(under: institution, periods: periods, on: db)
        }
    }

    /// `overall(of:periods:on:)`, kept in `cache` until a report or the tree changes.
    static func overall(
        of institutionID: Int64, periods: [String], cache: FiguresCache, now: Date, on db: any Database
    ) async throws -> PerformanceFigures {
        try await cache.value("overall \(institutionID) \(periods)", now: now, on: db) {
            try await overall(of: institutionID, periods: periods, on: db)
        }
    }
}
