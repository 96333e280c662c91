import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// A search in the inbox can only find open work. On SQLite it reads a full-text index of the open reports alone
/// (M0022), and the inbox runs a search once for all its tabs.
@Suite struct OpenWorkSearchTests {
    @Test func theOpenStatesOfTheIndexAreTheOpenStatesOfAReport() {
        #expect(Set(M0022_IndexOpenReportText.openStates) == Set(ReportState.open.map(\.rawValue)))
    }

    @Test func theOpenReportsIndexFollowsEachReportInAndOutOfOpenWork() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let staying = try await world.submit(["target_institution_id": world.pemkab.id, "title": "Lampu jalan padam di Banjaran"])
                .trackingID
            let archived = try await world.submit(["target_institution_id": world.pemkab.id, "title": "Lampu taman mati di Soreang"])
                .trackingID
            let corrected = try await world.submit(["target_institution_id": world.pemkab.id, "title": "Lampu pasar rusak di Baleendah"])
                .trackingID
            let reopened = try await world.submit(["target_institution_id": world.pemkab.id, "title": "Trotoar ambles di Cileunyi"])
                .trackingID
            try await world.must(.archive, on: archived, by: world.pemkabAdmin, ["archive_reason": "spam"])
            try await world.must(.correct, on: corrected, by: world.pemkabAdmin, ["title": "Kios pasar rusak di Baleendah"])
            try await world.must(.archive, on: reopened, by: world.pemkabAdmin, ["archive_reason": "spam"])
            try await world.must(.correct, on: reopened, by: world.nationalAdmin, ["title": "Trotoar berlubang di Cileunyi"])
            try await world.must(.reopen, on: reopened, by: world.nationalAdmin, ["reason": "Bukan spam"])
            try await world.must(.verify, on: staying, by: world.pemkabAdmin)  // open to open: stays in, once

            func id(_ trackingID: String) async throws -> Int64 {
                try #require(try await ReportQueries.find(trackingID: TrackingID(parsing: trackingID)!, on: app.db)?.id)
            }
            var everything = ReportFilter()
            var open = ReportFilter()
            open.states = ReportState.allCases.filter(\.isOpen)
            #expect(open.admitsOnlyOpenReports && !everything.admitsOnlyOpenReports)
            func found(_ word: String, _ filter: ReportFilter) async throws -> [Int64] {
                var filter = filter
                filter.text = word
                let scope = ListScope(everything: true, published: false, reporterUserID: nil, subtrees: [])
                return try #require(try await ReportQueries.ids(filter, scope: scope, now: Date(), upTo: 100, on: app.db))
            }
            #expect(try await found("lampu", open) == [try await id(staying)], "closed, or no longer saying it: not found")
            #expect(try await found("kios", open) == [try await id(corrected)], "the corrected title")
            #expect(try await found("berlubang", open) == [try await id(reopened)], "corrected while closed, found once reopened")
            #expect(try await found("ambles", open).isEmpty)
            everything.text = nil
            #expect(try await found("lampu", everything) == [try await id(archived), try await id(staying)], "every report, newest first")

            if !app.db.isPostgres {
                // The index itself, not only what a list lets through: exactly one entry per open report.
                struct Row: Decodable { let rowid: Int64 }
                let indexed = try await app.db.sql.raw("SELECT rowid FROM open_reports_fts ORDER BY rowid").all(decoding: Row.self).map(
                    \.rowid)
                let openIDs = try await app.db.sql.raw(
                    SQLQueryString(
                        "SELECT id AS rowid FROM reports WHERE state IN (\(M0022_IndexOpenReportText.openStates.map { "'\($0)'" }.joined(separator: ", "))) ORDER BY id"
                    )
                )
                .all(decoding: Row.self).map(\.rowid)
                #expect(indexed == openIDs && indexed.count == 3)
            }
        }
    }

    /// On SQLite the open reports' index also knows where each report is held (M0025), so an inbox's search asks it
    /// for the words and the holder at once; a report that moves is found where it is now, under every level above
    /// it, by every plan, and never by its holder's id typed as a word.
    @Test func theOpenReportsIndexKnowsWhereEachReportIsHeldNow() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let moving = try await world.submit(["target_institution_id": world.pemkab.id, "title": "Lampu jalan padam di Banjaran"])
                .trackingID
            let staying = try await world.submit(["target_institution_id": world.kemenkes.id, "title": "Lampu puskesmas mati"]).trackingID
            func id(_ trackingID: String) async throws -> Int64 {
                try #require(try await ReportQueries.find(trackingID: TrackingID(parsing: trackingID)!, on: app.db)?.id)
            }
            let scope = ListScope(everything: true, published: false, reporterUserID: nil, subtrees: [])
            func found(_ word: String, heldWithin: [Institution] = [], institution: Institution? = nil) async throws -> [Int64] {
                var filter = ReportFilter()
                filter.states = ReportState.allCases.filter(\.isOpen)
                filter.text = word
                filter.heldWithin = heldWithin.map(\.path)
                filter.institution = institution?.path
                let words = SearchTerms.words(in: word)
                let plans: [ReportQueries.SearchPlan?] =
                    app.db.isPostgres ? [nil] : [nil, .indexLeads(words), .matchesFirst(words), .passingFirst(words)]
                var lists: [[Int64]] = []
                for plan in plans {
                    var page = PageRequest()
                    page.limit = 100
                    lists.append(
                        try await ReportQueries.list(filter, scope: scope, page: page, now: Date(), plan: plan, on: app.db).reports.map {
                            $0.id!
                        })
                }
                #expect(Set(lists.map { $0 }).count == 1, "every plan finds the same: \(lists)")
                return lists[0]
            }
            #expect(try await found("lampu", heldWithin: [world.pemkab]) == [try await id(moving)])
            #expect(try await found("lampu", heldWithin: [world.dinas]).isEmpty)
            try await world.must(.verify, on: moving, by: world.pemkabAdmin)
            try await world.must(.dispatch, on: moving, by: world.pemkabAdmin, ["institution_id": world.dinas.id])
            #expect(try await found("lampu", heldWithin: [world.dinas]) == [try await id(moving)], "held there now")
            #expect(try await found("lampu", heldWithin: [world.pemkab]) == [try await id(moving)], "and under the level above")
            #expect(try await found("lampu", heldWithin: [world.direktorat, world.dinas]) == [try await id(moving)])
            #expect(try await found("lampu", heldWithin: [world.kemenkes]) == [try await id(staying)])
            #expect(try await found("lampu", heldWithin: [world.dinas], institution: world.kemenkes).isEmpty, "both conditions hold")
            #expect(try await found("lampu", institution: world.dinas) == [try await id(moving)])
            #expect(try await found("lampu", heldWithin: [world.national]) == [try await id(staying), try await id(moving)])
            #expect(try await found(String(world.dinas.id)).isEmpty, "a holder's id is not a word of the report")
        }
    }

    /// The tabs of a search show what searching each tab alone shows, whether the search was run once for all of
    /// them (few matches) or in each tab; a closed report is in none of them.
    @Test func aSearchRunOnceForAllTabsFindsWhatEachTabFindsAlone() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var lamps: [String] = []
            for n in 0..<4 {
                lamps.append(
                    try await world.submit(["target_institution_id": world.pemkab.id, "title": "Lampu jalan padam nomor \(n)"]).trackingID)
            }
            _ = try await world.submit(["target_institution_id": world.pemkab.id, "title": "Jalan berlubang di Soreang"])
            try await world.must(.verify, on: lamps[1], by: world.pemkabAdmin)
            try await world.must(.dispatch, on: lamps[1], by: world.pemkabAdmin, ["institution_id": world.dinas.id])
            try await world.must(.hold, on: lamps[2], by: world.pemkabAdmin, ["question": "Mohon foto lokasinya?"])
            try await world.must(.archive, on: lamps[3], by: world.pemkabAdmin, ["archive_reason": "spam"])

            let person = world.pemkabAdmin.user
            let scope = VisibilityPolicy.listScope(for: .user(person.actor))
            let now = app.tanggap.clock.now()
            var searched = InboxTab.openWork(for: person)
            searched.text = "lampu"
            let ids = try #require(try await ReportQueries.ids(searched, scope: scope, now: now, upTo: 100, on: app.db))
            #expect(ids.count == 3, "the archived report is not open work")
            var seen = Set<Int64>()
            for tab in InboxTab.allCases {
                var alone = tab.filter(for: person)
                alone.text = "lampu"
                var once = tab.filter(for: person)
                once.ids = ids
                for filter in [alone, once] {
                    #expect(
                        try await ReportQueries.count(filter, scope: scope, now: now, upTo: 1_000, on: app.db)
                            == (try await ReportQueries.count(alone, scope: scope, now: now, upTo: 1_000, on: app.db)), "\(tab)")
                }
                var page = PageRequest()
                page.limit = 100
                let listedAlone = try await ReportQueries.list(alone, scope: scope, page: page, now: now, on: app.db).reports.map { $0.id! }
                let listedOnce = try await ReportQueries.list(once, scope: scope, page: page, now: now, on: app.db).reports.map { $0.id! }
                #expect(listedAlone == listedOnce, "\(tab)")
                seen.formUnion(listedOnce)
            }
            #expect(seen == Set(ids), "every open report found is in some tab")
            var none = InboxTab.new.filter(for: person)
            none.ids = []
            #expect(try await ReportQueries.count(none, scope: scope, now: now, on: app.db) == 0, "no match: nothing, not everything")

            // The page itself, with hostile words as well.
            let browser = try await PageTests().signedIn(app, "admin.bandung@tanggap.test")
            let page = try await app.request(.GET, "/kelola/kotak?tab=baru&q=lampu", headers: [browser.header]).text
            #expect(page.contains("Lampu jalan padam nomor 0") && !page.contains("nomor 3") && !page.contains("Jalan berlubang"))
            let first = try #require(page.range(of: "nomor 1")), second = try #require(page.range(of: "nomor 0"))
            #expect(page.contains("Terbaru di atas") && first.lowerBound < second.lowerBound, "a search lists the newest first")
            for hostile in ["%22", "*", "%3Cscript%3E", "lampu%27%20OR%201%3D1%20--", String(repeating: "a", count: 5_000)] {
                let reply = try await app.request(.GET, "/kelola/kotak?tab=baru&q=\(hostile)", headers: [browser.header])
                #expect(reply.status == .ok && !reply.text.contains("nomor 0"), "\(hostile.prefix(20))")
            }
        }
    }
}
