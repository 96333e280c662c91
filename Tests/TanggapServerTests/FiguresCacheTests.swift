import Fluent
import Foundation
import SQLKit
import Synchronization
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Kept figures are served from memory only while nothing they depend on has changed: a new report, an action on
/// one, or a change to the tree shows on the next visit.
@Suite struct FiguresCacheTests {
    @Test func keptFiguresAreReusedUntilAReportOrTheTreeChanges() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let cache = FiguresCache()
            let computed = Counter()
            func received() async throws -> Int {
                try await cache.value("national", now: Date(), on: app.db) {
                    computed.add()
                    return try await InstitutionFigures.overall(of: world.national.id, periods: [ReportTallies.allTime], on: app.db)
                        .received
                }
            }
            #expect(try await received() == 0)
            #expect(try await received() == 0 && computed.count == 1, "nothing changed: the kept value")

            let report = try await world.submit()
            #expect(try await received() == 1 && computed.count == 2, "a new report shows at once")
            #expect(try await received() == 1 && computed.count == 2)
            _ = try await world.must(.verify, on: report.trackingID, by: world.nationalAdmin)
            _ = try await received()
            #expect(computed.count == 3, "an action on a report is a change")

            // The tree: a unit added through administration is recorded in the audit, and that is a change too.
            try await AdminAudit.record(
                "unit_created", ["name": "Bidang Baru"], by: world.pemkabAdmin.id, at: world.pemkab.id, now: Date(), on: app.db)
            _ = try await received()
            #expect(computed.count == 4)

            // However quiet the database, a kept value is not older than the longest keep.
            let brief = FiguresCache(longestKeep: 0)
            _ = try await brief.value("k", now: Date(), on: app.db) {
                computed.add()
                return 1
            }
            _ = try await brief.value("k", now: Date().addingTimeInterval(1), on: app.db) {
                computed.add()
                return 1
            }
            #expect(computed.count == 6)
        }
    }

    @Test func theStatisticsPageShowsANewReportAtOnce() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let before = try await world.get("/statistik.csv")
            _ = try await world.submit(["target_institution_id": world.pemkab.id])
            let after = try await world.get("/statistik.csv")
            let line = { (text: String) in
                text.split(separator: "\r\n").first { $0.contains("Pemerintah Kabupaten Bandung") }.map(String.init)
            }
            #expect(line(before.text) != line(after.text))
            #expect(line(after.text)?.contains(",1,") == true, "\(after.text)")
        }
    }
}

/// Counts calls from inside a `@Sendable` closure.
final class Counter: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func add() { value.withLock { $0 += 1 } }
}

/// Past weeks' counts are final: counted once and kept. The week under way, and one that ended within the hour,
/// are counted every time.
@Suite struct ClosedWeekCountsTests {
    @Test func onlyAWeekLongOverIsKept() async throws {
        let weeks = ClosedWeekCounts()
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        let end = start.addingTimeInterval(7 * 86_400)
        let counted = Mutex(0)
        func count(now: Date) async throws -> Int {
            try await weeks.count(subtree: "/1/829/", from: start, to: end, now: now) {
                counted.withLock { $0 += 1 }
                return 42
            }
        }
        #expect(try await count(now: end.addingTimeInterval(-60)) == 42)
        #expect(try await count(now: end.addingTimeInterval(60)) == 42)
        #expect(counted.withLock { $0 } == 2, "under way, then just ended: counted each time")
        #expect(try await count(now: end.addingTimeInterval(ClosedWeekCounts.settling)) == 42)
        #expect(try await count(now: end.addingTimeInterval(2 * ClosedWeekCounts.settling)) == 42)
        #expect(counted.withLock { $0 } == 3, "over: counted once more, then kept")
        let other = try await weeks.count(subtree: "/1/", from: start, to: end, now: end.addingTimeInterval(86_400)) { 7 }
        #expect(other == 7, "each subtree has its own count")
    }
}
