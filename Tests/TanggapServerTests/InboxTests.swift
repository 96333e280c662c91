import Foundation
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// The inbox tabs follow a report through its life, for the right people only.
@Suite struct InboxTests {
    func tabs(_ app: Application, _ person: Person, _ trackingID: String) async throws -> Set<InboxTab> {
        var found = Set<InboxTab>()
        for tab in InboxTab.allCases {
            var filter = tab.filter(for: person.user)
            filter.text = nil
            var page = PageRequest()
            page.limit = 100
            page.byDue = tab.sortsByDue
            let scope = VisibilityPolicy.listScope(for: .user(person.user.actor))
            let (reports, _) = try await ReportQueries.list(filter, scope: scope, page: page, now: app.tanggap.clock.now(), on: app.db)
            let count = try await ReportQueries.count(filter, scope: scope, now: app.tanggap.clock.now(), on: app.db)
            #expect(count == reports.count, "the tab's count is its list (\(tab))")
            let capped = try await ReportQueries.count(filter, scope: scope, now: app.tanggap.clock.now(), upTo: 1, on: app.db)
            #expect(capped == min(count, 1), "a capped count stops at its cap (\(tab))")
            if reports.contains(where: { $0.trackingID.display == trackingID }) { found.insert(tab) }
        }
        return found
    }

    @Test func aReportMovesThroughTheTabsOfThePeopleWhoHoldIt() async throws {
        let clock = DeadlineTests.monday()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let report = try await world.submit(["target_institution_id": world.pemkab.id])
            let id = report.trackingID
            #expect(try await tabs(app, world.pemkabAdmin, id) == [.new])
            #expect(try await tabs(app, world.liaison, id).isEmpty, "not at the unit yet")
            try await world.must(.verify, on: id, by: world.pemkabAdmin)
            try await world.must(.dispatch, on: id, by: world.pemkabAdmin, ["institution_id": world.dinas.id])
            #expect(try await tabs(app, world.liaison, id) == [.new, .waiting])
            #expect(try await tabs(app, world.pemkabAdmin, id) == [.new, .waiting], "the regency still sees its units' work")
            #expect(try await tabs(app, world.kemenkesAdmin, id).isEmpty)

            try await world.must(.assign, on: id, by: world.liaison, ["user_id": world.technician.id])
            #expect(try await tabs(app, world.technician, id) == [.mine, .waiting])
            #expect(try await tabs(app, world.liaison, id).isEmpty, "assigned to someone else: not new, not waiting for the liaison")

            let due = try #require(try await ReportQueries.find(trackingID: TrackingID(parsing: id)!, on: app.db)?.stageDueAt)
            clock.advance(by: due.timeIntervalSince(clock.now) - DeadlineTests.day)  // a day before the deadline
            #expect(try await tabs(app, world.technician, id) == [.mine, .waiting, .dueSoon])
            clock.advance(by: DeadlineTests.day)  // its last second: still in time
            #expect(try await tabs(app, world.technician, id) == [.mine, .waiting, .dueSoon])
            clock.advance(by: 1)  // the moment after: late
            #expect(try await tabs(app, world.technician, id) == [.mine, .waiting, .late])

            try await world.must(.answer, on: id, by: world.liaison, ["text": "Sudah diperbaiki."])
            #expect(try await tabs(app, world.liaison, id) == [.answered])
            try await world.must(.reply, on: id, secret: report.secret, ["text": "Belum semuanya."])
            #expect(try await tabs(app, world.technician, id) == [.mine, .waiting], "the reply brings it back to the officer")
        }
    }

    /// The page: its tab counts are read side by side and must still land on their own tabs; its pickers are
    /// written by `#options`, which escapes what it writes itself.
    @Test func theInboxPageShowsEachTabsCountAndEscapesItsPickers() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var submitted: [String] = []
            for _ in 0..<3 { submitted.append(try await world.submit(["target_institution_id": world.pemkab.id]).trackingID) }
            try await world.must(.verify, on: submitted[0], by: world.pemkabAdmin)
            try await world.must(.dispatch, on: submitted[0], by: world.pemkabAdmin, ["institution_id": world.dinas.id])
            let hostile = try await InstitutionDirectory.create(
                name: "<script>alert(1)</script> & \"Dinas\"", kind: .unit, under: world.pemkab, now: app.tanggap.clock.now(), on: app.db)

            let browser = try await PageTests().signedIn(app, "admin.bandung@tanggap.test")
            let page = try await app.request(.GET, "/kelola/kotak?instansi=\(hostile.id)", headers: [browser.header]).text
            #expect(!page.contains("<script>alert(1)"))
            #expect(
                page.contains(
                    "<option value=\"\(hostile.id)\" selected>· &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Dinas&quot;</option>"))
            #expect(page.contains("<option value=\"\(world.dinas.id)\">· Dinas Pekerjaan Umum dan Penataan Ruang</option>"))

            let shown = try await app.request(.GET, "/kelola/kotak", headers: [browser.header]).text
                .matches(of: /<span class="count">(\d+)<\/span>/).map { Int($0.1)! }
            let scope = VisibilityPolicy.listScope(for: .user(world.pemkabAdmin.user.actor))
            var counted: [Int] = []
            for tab in InboxTab.allCases {
                counted.append(
                    try await ReportQueries.count(
                        tab.filter(for: world.pemkabAdmin.user), scope: scope, now: app.tanggap.clock.now(), on: app.db))
            }
            #expect(shown == counted)
            #expect(counted[0] == 3 && counted[2] == 1, "three new, one of them waiting at the unit: the tabs differ")
        }
    }
}
