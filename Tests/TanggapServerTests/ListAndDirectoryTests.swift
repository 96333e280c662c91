import Fluent
import Foundation
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

@Suite struct ReportListTests {
    func ids(_ reply: Reply) throws -> [String] { try reply.decode(TanggapServer.Page<ReportRepresentation>.self).items.map(\.trackingID) }

    @Test func filtersNarrowTheListAndCursorsWalkIt() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            var all: [String] = []
            for index in 0..<7 {
                let report = try await world.submit([
                    "classification": index % 2 == 0 ? "pengaduan" : "aspirasi",
                    "title": index == 3 ? "Lampu jalan padam di Banjaran" : "Jalan berlubang nomor \(index)",
                    "category_id": index == 5 ? world.otherCategoryID : world.categoryID,
                    "subcategory_id": index == 5 ? NSNull() : world.subcategoryID,
                ])
                all.append(report.trackingID)
                clock.advance(by: 86_400)
            }
            try await world.must(.verify, on: all[1], by: world.nationalAdmin)
            try await world.must(.dispatch, on: all[1], by: world.nationalAdmin, ["institution_id": world.dinas.id])
            let admin = world.nationalAdmin
            #expect(try ids(await world.get("/api/v1/reports", as: admin)) == all.reversed())
            #expect(try ids(await world.get("/api/v1/reports?sort=oldest&limit=3", as: admin)) == Array(all.prefix(3)))
            #expect(try ids(await world.get("/api/v1/reports?classification=aspirasi", as: admin)) == [all[5], all[3], all[1]])
            #expect(try ids(await world.get("/api/v1/reports?state=dispatched", as: admin)) == [all[1]])
            #expect(try ids(await world.get("/api/v1/reports?institution_id=\(world.pemkab.id)", as: admin)) == [all[1]])
            #expect(try ids(await world.get("/api/v1/reports?category_id=\(world.otherCategoryID)", as: admin)) == [all[5]])
            #expect(try ids(await world.get("/api/v1/reports?category_id=\(world.subcategoryID)", as: admin)).count == 6)
            #expect(try ids(await world.get("/api/v1/reports?q=LAMPU%20jalan", as: admin)) == [all[3]])
            #expect(try ids(await world.get("/api/v1/reports?q=100%25", as: admin)) == [], "% is a character, not a wildcard")
            #expect(try ids(await world.get("/api/v1/reports?channel=sms", as: admin)) == [])

            // Dates are days in the deployment's time zone.
            let start = LocalDate(clock.now.addingTimeInterval(-7 * 86_400 + 60), in: app.tanggap.settings.timeZone)
            let end = LocalDate(clock.now.addingTimeInterval(-6 * 86_400 + 60), in: app.tanggap.settings.timeZone)
            #expect(
                try ids(await world.get("/api/v1/reports?created_from=\(start.iso)&created_to=\(end.iso)", as: admin)) == [all[1], all[0]])

            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await world.get("/api/v1/reports?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""), as: admin)
                let listed = try page.decode(TanggapServer.Page<ReportRepresentation>.self)
                seen += listed.items.map(\.trackingID)
                cursor = listed.nextCursor
            } while cursor != nil
            #expect(seen == all.reversed())
            let wrongDirection = try await world.get(
                "/api/v1/reports?sort=oldest&cursor=\(ReportListQuery.cursor(after: 3, oldestFirst: false))", as: admin)
            #expect(wrongDirection.fieldErrors == ["cursor:invalid"])
            #expect(try await world.get("/api/v1/reports?institution_id=99999", as: admin).fieldErrors == ["institution_id:unknown"])
        }
    }

    @Test func searchFindsWordBeginningsThroughTheFullTextIndexAndNeverItsSyntax() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let lamp = try await world.submit([
                "title": "Lampunya padam di Banjaran",
                "body": "Penerangan jalan umum mati sejak pekan lalu, rawan kejahatan malam hari.",
            ]).trackingID
            let road = try await world.submit([
                "title": "Jalan rusak berat di Soreang",
                "body": "Aspal mengelupas dan berlubang dalam sepanjang dua ratus meter.",
            ]).trackingID
            let admin = world.nationalAdmin
            func search(_ text: String) async throws -> Set<String> {
                let query = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                return Set(try ids(await world.get("/api/v1/reports?q=\(query)", as: admin)))
            }
            #expect(try await search("lampu") == [lamp], "a word's beginning finds it")
            #expect(try await search("JALAN") == [lamp, road], "in the title or the text, any case")
            #expect(try await search("jalan aspal") == [road], "every word must be there")
            #expect(try await search("ampu").isEmpty, "the middle of a word is not its beginning")
            // What the engines would read as their own syntax is only words, or nothing.
            for nothing in ["\"", "*", "%", "<script>", "-", "NEAR()"] {
                #expect(try await search(nothing).isEmpty, "\(nothing)")
            }
            #expect(try await search("NEAR(lampu") == [], "NEAR is a word here, and no report has it")
            #expect(try await search("lampu' OR 1=1 --").isEmpty)
            #expect(try await search("title:lampu").isEmpty, "no column filters")
            #expect(try await search("-jalan aspal") == [road], "a minus sign is not a NOT")
            #expect(try await search("lampu OR aspal").isEmpty, "OR is a word here, and no report has all three")
            // A corrected title is searched as corrected.
            try await world.must(.correct, on: road, by: world.nationalAdmin, ["title": "Trotoar ambles di Soreang"])
            #expect(try await search("trotoar") == [road])
            #expect(try await search("berlubang") == [road])
            #expect(try await search("rusak berat").isEmpty, "the old title's words are gone")
        }
    }

    /// On SQLite a word's beginning is searched as the words that begin so (`SearchVocabulary`), whether their text
    /// came in with a report, by a correction not yet taken into the vocabulary, or beyond ASCII.
    @Test func aWordsBeginningIsSearchedAsTheWordsThatBeginSo() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let body = "Mohon segera ditangani oleh dinas terkait."
            let street = try await world.submit(["title": "Jalanan licin di Banjaran", "body": body]).trackingID
            let road = try await world.submit(["title": "Jalannya rusak di Soreang", "body": body]).trackingID
            let cafe = try await world.submit(["title": "Kafé buang limbah di Soreang", "body": body]).trackingID
            // More words with one beginning than the vocabulary names: the prefix itself is searched.
            let letters = Array("abcdefghijklmnopqrstuvwxyz")
            let many: [String] = (0..<40).map { (n: Int) -> String in "kar" + String(letters[n / 26]) + String(letters[n % 26]) }
            let crowded = try await world.submit(["title": "Banyak kata di Soreang", "body": body + " " + many.joined(separator: " ")])
                .trackingID
            func search(_ text: String) async throws -> Set<String> {
                let query = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                return Set(try ids(await world.get("/api/v1/reports?q=\(query)", as: world.nationalAdmin)))
            }
            #expect(try await search("jalan") == [street, road])
            #expect(try await search("Kafé") == [cafe], "as typed")
            #expect(try await search("kar") == [crowded])
            #expect(try await search("karbn") == [crowded])

            try await world.must(.correct, on: road, by: world.nationalAdmin, ["title": "Jalurnya rusak di Soreang"])
            #expect(try await search("jalur") == [road], "a corrected word is found before the vocabulary takes it in")
            guard !app.db.isPostgres else { return }  // PostgreSQL searches prefixes through its own index
            #expect(try await search("kafe") == [cafe], "FTS5 folds the accent away (PostgreSQL's 'simple' keeps it)")
            struct Query: Decodable { let q: String }
            func query(_ word: String) async throws -> String {
                try await app.db.sql.select().column(SearchVocabulary.query(for: word), as: "q").first(decoding: Query.self)!.q
            }
            let jalan = try await query("jalan")
            #expect(jalan == "(\"jalanan\" OR \"jalannya\")")
            #expect(try await query("jalur") == "(\"jalurnya\")", "from the staging index")
            #expect(try await query("kar") == "\"kar\"*")
            #expect(try await query("kafé") == "\"kafé\"*")
            _ = try await world.submit(["title": "Lampu padam di Soreang", "body": body])
            struct Count: Decodable { let n: Int }
            let staged = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM search_terms_new_vocab").first(decoding: Count.self)!.n
            #expect(staged == 0, "a group commit takes the staged words in")
            #expect(try await query("jalur") == "(\"jalurnya\")")
            #expect(try await search("jalur") == [road])
        }
    }

    /// On SQLite a search reads the full-text index first when many reports pass the other conditions, the
    /// matches first when few do, and the passing reports first when both are many; every plan must give the same
    /// reports, in the same order, page by page, and the same counts.
    @Test func everySearchPlanListsTheSameReportsPageByPage() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            for n in 0..<9 {
                let changes: [String: Any] = n % 3 == 0 ? ["target_institution_id": world.pemkab.id] : [:]
                _ = try await world.submit(
                    changes.merging([
                        "title": "Lampu jalan padam nomor \(n)",
                        "body": n % 2 == 0
                            ? "Sudah seminggu lampu di gang ini mati dan warga takut lewat malam hari."
                            : "Trotoar rusak dan berlubang di depan sekolah, membahayakan anak-anak.",
                    ]) { $1 })
            }
            let everything = ListScope(everything: true, published: false, reporterUserID: nil, subtrees: [])
            var atPemkab = ReportFilter()
            atPemkab.text = "lampu"
            atPemkab.institution = world.pemkab.path
            var everywhere = ReportFilter()
            everywhere.text = "trotoar berlubang"
            // Three of the lampu reports are held at the regency; four reports say "trotoar berlubang".
            for (filter, expected) in [(atPemkab, 3), (everywhere, 4)] {
                let words = SearchTerms.words(in: filter.text!)
                // PostgreSQL's planner weighs its index itself: one plan there.
                let plans: [ReportQueries.SearchPlan] =
                    app.db.isPostgres
                    ? [.none]
                    : [
                        .indexLeads(words), .indexLeads(words, newestFirst: true), .matchesFirst(words), .passingFirst(words),
                        .passingFirst(words, newestFirst: true),
                    ]
                for oldestFirst in [false, true] {
                    func pages(_ plan: ReportQueries.SearchPlan) async throws -> [[Int64]] {
                        var page = PageRequest()
                        page.limit = 2
                        page.oldestFirst = oldestFirst
                        var pages: [[Int64]] = []
                        while true {
                            let (reports, more) = try await ReportQueries.list(
                                filter, scope: everything, page: page, now: Date(), plan: plan, on: app.db)
                            pages.append(reports.map { $0.id! })
                            guard more, let last = reports.last?.id else { return pages }
                            page.after = last
                        }
                    }
                    let first = try await pages(plans[0])
                    #expect(first.joined().count == expected, "\(words) \(oldestFirst)")
                    for plan in plans.dropFirst() {
                        #expect(try await pages(plan) == first, "\(plan) \(oldestFirst)")
                    }
                }
                for plan in plans {
                    let count = try await ReportQueries.count(filter, scope: everything, now: Date(), upTo: 1_000, plan: plan, on: app.db)
                    #expect(count == expected, "\(plan)")
                }
            }
        }
    }

    /// When many reports pass the other conditions, the index leads only if a sample of its first matches shows
    /// that it would find what the query needs within a bounded read; otherwise the matches are collected first.
    @Test func aSearchLetsTheIndexLeadOnlyWhenItsFirstMatchesPassTheOtherConditions() async throws {
        // 500 reports within 10,000 reads: at least one match in twenty must pass, 25 of the sample's 500.
        #expect(ReportQueries.leads(need: 500, passed: 25, of: 500))
        #expect(!ReportQueries.leads(need: 500, passed: 24, of: 500))
        #expect(!ReportQueries.leads(need: 1_000, passed: 25, of: 500))
        #expect(!ReportQueries.leads(need: 1, passed: 0, of: 500))
        try await withTestApp { app in
            guard !app.db.isPostgres else { return }  // PostgreSQL's planner weighs its index itself
            let world = try await World.build(app)
            for n in 0..<9 {
                let changes: [String: Any] = n % 3 == 0 ? ["target_institution_id": world.pemkab.id] : [:]
                _ = try await world.submit(changes.merging(["title": "Lampu jalan padam nomor \(n)"]) { $1 })
            }
            let everything = ListScope(everything: true, published: false, reporterUserID: nil, subtrees: [])
            func plan(
                _ filter: ReportFilter, need: Int?, sample: Int = ReportQueries.sampleSize, newestFirst: Bool? = false
            ) async throws -> ReportQueries.SearchPlan {
                try await ReportQueries.searchPlan(
                    filter, scope: everything, now: Date(), few: 0, need: need, newestFirst: newestFirst, sample: sample, on: app.db)
            }
            var closed = ReportFilter()
            closed.text = "lampu"
            closed.states = [.completed]
            // Nine matches are fewer than a sample: the index leads through all of them at once.
            #expect(try await plan(closed, need: 1_000) == .indexLeads(["lampu"]))
            // A page needs too few to be worth a sample.
            #expect(try await plan(closed, need: 51) == .indexLeads(["lampu"]))
            // A sample of the oldest four: none is completed, so leading might read every match. The reports that
            // pass (none) are fewer than a quarter of the nine matches: they are collected first.
            #expect(try await plan(closed, need: 1_000, sample: 4) == .passingFirst(["lampu"]))
            var atPemkab = closed
            atPemkab.states = []
            atPemkab.institution = world.pemkab.path
            // Two of the oldest four are held at the regency (the first and the fourth): 1,000 within 2,000 reads.
            #expect(try await plan(atPemkab, need: 1_000, sample: 4) == .indexLeads(["lampu"]))
            #expect(try await plan(atPemkab, need: 1_000, sample: 4, newestFirst: true) == .indexLeads(["lampu"], newestFirst: true))
            // Needing 100,000, leading would read too far: the three held at the regency are more than a quarter of
            // the nine matches, so the matches are collected first.
            #expect(try await plan(atPemkab, need: 100_000, sample: 4) == .matchesFirst(["lampu"]))
            // A count reads the index in either order: none of the oldest four is among the newest three reports,
            // three of the newest four are.
            var newest = ReportFilter()
            newest.text = "lampu"
            newest.ids = try await ReportModel.query(on: app.db).sort(\.$id, .descending).limit(3).all().map { $0.id! }
            #expect(try await plan(newest, need: 1_000, sample: 4) == .matchesFirst(["lampu"]))
            #expect(try await plan(newest, need: 1_000, sample: 4, newestFirst: nil) == .indexLeads(["lampu"], newestFirst: true))
            // Only the newest report passes: fewer than a quarter of the matches, so a list read oldest first
            // collects it first; a count reads newest first, where its sample finds it.
            var last = newest
            last.ids = Array(newest.ids!.prefix(1))
            #expect(try await plan(last, need: 1_000, sample: 4) == .passingFirst(["lampu"]))
            #expect(try await plan(last, need: 1_000, sample: 4, newestFirst: nil) == .indexLeads(["lampu"], newestFirst: true))
            // Whatever the plan, the count is the same.
            #expect(try await ReportQueries.count(atPemkab, scope: everything, now: Date(), upTo: 1_000, on: app.db) == 3)
        }
    }

    /// A plan chosen for a search is kept for a minute and asked for again by the same search only; a kept plan
    /// that no longer fits the reports still finds exactly what a fresh one finds.
    @Test func aChosenPlanIsKeptForAMinuteAndAKeptOneFindsTheSame() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            for n in 0..<3 {
                _ = try await world.submit(["title": "Lampu jalan padam nomor \(n)", "target_institution_id": world.pemkab.id])
            }
            _ = try await world.submit(["title": "Trotoar berlubang di depan sekolah"])
            let everything = ListScope(everything: true, published: false, reporterUserID: nil, subtrees: [])
            var lampu = ReportFilter()
            lampu.text = "lampu"
            lampu.institution = world.pemkab.path
            var trotoar = lampu
            trotoar.text = "trotoar"
            let now = Date()
            let memory = SearchPlanMemory()
            let chosen = Counter()
            func kept(
                _ filter: ReportFilter, need: Int? = 1_000, newestFirst: Bool? = nil, at time: Date = now
            ) async throws -> ReportQueries.SearchPlan {
                let question = SearchPlanMemory.Question(filter: filter, scope: everything, need: need, newestFirst: newestFirst)
                return try await memory.plan(for: question, now: time) {
                    chosen.add()
                    return .matchesFirst(SearchTerms.words(in: filter.text!))
                }
            }
            func count(_ filter: ReportFilter) async throws -> Int {
                try await ReportQueries.count(filter, scope: everything, now: now, upTo: 1_000, remembering: memory, on: app.db)
            }

            #expect(try await count(lampu) == 3)
            if app.db.isPostgres {
                // PostgreSQL's planner weighs its index itself: there is nothing to choose, and nothing is kept.
                _ = try await kept(lampu)
                #expect(chosen.count == 1)
                return
            }
            // The count kept the plan it chose, and asks for it again instead of choosing.
            let fresh = try await ReportQueries.searchPlan(lampu, scope: everything, now: now, need: 1_000, newestFirst: nil, on: app.db)
            #expect(try await kept(lampu) == fresh && chosen.count == 0)
            // Another word, another need, another order: each is its own question.
            _ = try await kept(trotoar)
            _ = try await kept(lampu, need: 51)
            _ = try await kept(lampu, newestFirst: false)
            #expect(chosen.count == 3)
            // A minute later the plan is chosen again.
            _ = try await kept(lampu, at: now.addingTimeInterval(61))
            #expect(chosen.count == 4)

            // A kept plan counts exactly whatever came in after it was chosen: a report that matches, at the regency.
            let planted = SearchPlanMemory()
            let question = SearchPlanMemory.Question(filter: trotoar, scope: everything, need: 1_000, newestFirst: nil)
            _ = try await planted.plan(for: question, now: now) { .matchesFirst(["trotoar"]) }
            #expect(try await ReportQueries.count(trotoar, scope: everything, now: now, upTo: 1_000, remembering: planted, on: app.db) == 0)
            _ = try await world.submit(["title": "Trotoar rusak lagi", "target_institution_id": world.pemkab.id])
            #expect(try await ReportQueries.count(trotoar, scope: everything, now: now, upTo: 1_000, remembering: planted, on: app.db) == 1)
            #expect(try await planted.plan(for: question, now: now) { .none } == .matchesFirst(["trotoar"]))

            // Only so many questions are kept: past the bound the memory starts over.
            let small = SearchPlanMemory(mostEntries: 2)
            for need in [1, 2, 1, 3, 1] {
                let question = SearchPlanMemory.Question(filter: lampu, scope: everything, need: need, newestFirst: nil)
                _ = try await small.plan(for: question, now: now) {
                    chosen.add()
                    return .none
                }
            }
            #expect(chosen.count == 8, "the third question made room by forgetting the first two")
        }
    }

    /// The tabs of an inbox ask for the same count of a word's matches, often at the same moment: it is counted once.
    @Test func aWordsMatchesAreCountedOnceForEveryoneAskingWithinAMinute() async throws {
        let memory = SearchPlanMemory()
        let counted = Counter()
        let now = Date()
        let jalan = SearchPlanMemory.Matches(index: .open, words: ["jalan"], holders: [], upTo: 200_000)
        @Sendable func slowCount() async throws -> Int {
            counted.add()
            try await Task.sleep(for: .milliseconds(50))
            return 391_000
        }
        async let first = memory.count(jalan, now: now, count: slowCount)
        async let second = memory.count(jalan, now: now, count: slowCount)
        #expect(try await [first, second] == [391_000, 391_000])
        #expect(counted.count == 1, "the second asked while the first was counting, and waited for it")
        #expect(try await memory.count(jalan, now: now.addingTimeInterval(30), count: slowCount) == 391_000 && counted.count == 1)
        // Other holders, another bound, a minute later: counted again.
        let atRegency = SearchPlanMemory.Matches(index: .open, words: ["jalan"], holders: [[829]], upTo: 200_000)
        _ = try await memory.count(atRegency, now: now, count: slowCount)
        _ = try await memory.count(
            SearchPlanMemory.Matches(index: .open, words: ["jalan"], holders: [], upTo: 1_000), now: now, count: slowCount)
        _ = try await memory.count(jalan, now: now.addingTimeInterval(61), count: slowCount)
        #expect(counted.count == 4)
        // A count that failed is not kept: the next one asking counts.
        struct Interrupted: Error {}
        let lampu = SearchPlanMemory.Matches(index: .all, words: ["lampu"], holders: [], upTo: 200_000)
        await #expect(throws: Interrupted.self) { try await memory.count(lampu, now: now) { throw Interrupted() } }
        #expect(try await memory.count(lampu, now: now, count: slowCount) == 391_000 && counted.count == 5)
    }

    /// The inbox asks once for all its tabs whether a search finds few enough reports to gather by id. A search
    /// found to find more is not gathered again for a minute; its tabs count for themselves, exactly.
    @Test func aSearchFoundToHoldManyIsNotGatheredAgainForAMinute() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var lampu: [World.Submitted] = []
            for n in 0..<3 {
                lampu.append(try await world.submit(["title": "Lampu jalan padam nomor \(n)"]))
            }
            let everything = ListScope(everything: true, published: false, reporterUserID: nil, subtrees: [])
            var received = ReportFilter()
            received.text = "lampu"
            received.states = [.received]
            let memory = SearchPlanMemory()
            let now = Date()
            func ids(_ filter: ReportFilter = received, at time: Date = now, remembering: SearchPlanMemory? = memory) async throws -> Int? {
                try await ReportQueries.ids(filter, scope: everything, now: time, upTo: 2, remembering: remembering, on: app.db)?.count
            }
            #expect(try await ids() == nil, "three are more than two")
            try await world.must(.verify, on: lampu[0].trackingID, by: world.nationalAdmin)
            // Two are received now: gathered when asked afresh; within the minute the earlier answer stands.
            #expect(try await ids(remembering: nil) == 2)
            #expect(try await ids() == nil)
            #expect(try await ids(at: now.addingTimeInterval(61)) == 2)
            var verified = received
            verified.states = [.verified]
            #expect(try await ids(verified) == 1, "another question")
            // The inbox's tabs count for themselves when the search is not gathered: still exact.
            #expect(try await ReportQueries.count(received, scope: everything, now: now, upTo: 1_000, remembering: memory, on: app.db) == 2)
        }
    }

    @Test func aListOnlyEverHoldsWhatTheViewerMaySee() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let unverified = try await world.submit()
            let published = try await world.submit()
            try await world.must(.verify, on: published.trackingID, by: world.nationalAdmin)
            let secret = try await world.submit(["is_confidential": true])
            try await world.must(.verify, on: secret.trackingID, by: world.nationalAdmin)
            let atDinas = try await world.dispatchedToDinas(["is_confidential": true])
            #expect(
                try ids(await world.get("/api/v1/reports"))
                    == [atDinas.trackingID, published.trackingID].filter { $0 == published.trackingID })
            #expect(Set(try ids(await world.get("/api/v1/reports", as: world.liaison))) == [atDinas.trackingID, published.trackingID])
            #expect(Set(try ids(await world.get("/api/v1/reports", as: world.kemenkesLiaison))) == [published.trackingID])
            #expect(
                Set(try ids(await world.get("/api/v1/reports", as: world.oversight))) == [
                    unverified.trackingID, published.trackingID, secret.trackingID, atDinas.trackingID,
                ])
        }
    }
}

@Suite struct DirectoryTests {
    @Test func institutionsCategoriesAndRegions() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let top = try await world.get("/api/v1/institutions?parent_id=\(world.national.id)")
            #expect(
                try Set(top.decode(TanggapServer.Page<DirectoryController.InstitutionItem>.self).items.map(\.name)) == [
                    "Pemerintah Kabupaten Bandung", "Kementerian Kesehatan", "Ombudsman Republik Indonesia",
                ])
            let search = try await world.get("/api/v1/institutions?q=dinas%20pekerjaan")
            #expect(try search.decode(TanggapServer.Page<DirectoryController.InstitutionItem>.self).items.map(\.id) == [world.dinas.id])
            let detail = try await world.get("/api/v1/institutions/\(world.upt.id)")
            #expect(
                try detail.decode(DirectoryController.InstitutionDetail.self).ancestors.map(\.id) == [
                    world.national.id, world.pemkab.id, world.dinas.id,
                ])
            #expect(try await world.get("/api/v1/institutions/424242").status == .notFound)
            #expect(try await world.get("/api/v1/institutions?parent_id=abc").fieldErrors == ["parent_id:invalid"])
            let paged = try await world.get("/api/v1/institutions?limit=4")
            let page = try paged.decode(TanggapServer.Page<DirectoryController.InstitutionItem>.self)
            #expect(page.items.count == 4 && page.nextCursor != nil)

            let categories = try await world.get("/api/v1/categories")
            let first = try #require(
                try categories.decode(Items<DirectoryController.CategoryItem>.self).items.first { $0.id == world.categoryID })
            #expect(first.subcategories.map(\.name) == ["JALAN BERLUBANG"])
            let provinces = try await world.get("/api/v1/regions")
            let province = try #require(try provinces.decode(Items<DirectoryController.RegionItem>.self).items.first)
            let regencies = try await world.get("/api/v1/regions?parent_id=\(province.id)")
            #expect(try regencies.decode(Items<DirectoryController.RegionItem>.self).items.map(\.name) == ["Kabupaten Bandung"])
        }
    }

    @Test func theNationalReferenceDataImportsOnceFromItsCSV() async throws {
        try await withTestApp { app in
            let data = app.directory.resourcesDirectory + "Data/"
            let categories = try await ReferenceDataImporter.importCategories(from: data + "lapor-categories.csv", on: app.db)
            #expect(try await CategoryModel.query(on: app.db).filter(\.$parentID == nil).count() == 38)
            #expect(categories.added == (try await CategoryModel.query(on: app.db).count()))
            let again = try await ReferenceDataImporter.importCategories(from: data + "lapor-categories.csv", on: app.db)
            #expect(again.added == 0)
            let regions = try await ReferenceDataImporter.importRegions(from: data + "wilayah-kabkota.csv", on: app.db)
            #expect(try await RegionModel.query(on: app.db).filter(\.$parentID != nil).count() == 514)
            // The file gives DKI Jakarta the code of Jawa Barat; the import keeps both provinces and says so.
            #expect(regions.warnings.count == 1 && regions.warnings[0].contains("ID-JB"))
            let quoted = try await CategoryModel.query(on: app.db).filter(
                \.$name == "KETENTERAMAN, KETERTIBAN UMUM, DAN PELINDUNGAN MASYARAKAT"
            ).count()
            #expect(quoted == 1, "a quoted field with commas is one name")
        }
    }
}

@Suite struct DemoTests {
    @Test func theDemoHasEveryRoleAndReportsInEveryState() async throws {
        try await withTestApp { app in
            let summary = try await DemoSeeder.seed(
                context: app.tanggap, resourcesDirectory: app.directory.resourcesDirectory,
                password: "demo-tanggap-1", reports: 80, on: app.db)
            #expect(summary.reports == 80)
            let roles = Set(
                summary.accounts.flatMap {
                    $0.roles.split(separator: ",").map { String($0.split(separator: " ")[0]).trimmingCharacters(in: .whitespaces) }
                })
            #expect(roles.isSuperset(of: Set(Role.allCases.map(\.rawValue)).union(["citizen"])))
            struct Row: Decodable {
                let state: String
                let n: Int
            }
            let states = try await app.db.sql.raw("SELECT state, COUNT(*) AS n FROM reports GROUP BY state").all(decoding: Row.self)
            #expect(Set(states.map(\.state)) == Set(ReportState.allCases.map(\.rawValue)))
            // Every report's history is whole: as many events as it counts, numbered without gaps.
            struct Gap: Decodable { let n: Int }
            let broken = try await app.db.sql.raw(
                """
                SELECT COUNT(*) AS n FROM reports r
                WHERE r.event_count <> (SELECT COUNT(*) FROM report_events e WHERE e.report_id = r.id)
                   OR r.event_count <> (SELECT MAX(seq) FROM report_events e WHERE e.report_id = r.id)
                """
            ).first(decoding: Gap.self)!.n
            #expect(broken == 0)
            // The demo's accounts sign in with the demo password; the national admin must first enrol a second factor.
            let liaison = try #require(summary.accounts.first { $0.roles.hasPrefix(Role.liaisonOfficer.rawValue) })
            let login = try await app.request(
                .POST, "/api/v1/auth/tokens", json: ["email": liaison.email, "password": "demo-tanggap-1"])
            #expect(login.status == .created)
            let admin = try await app.request(
                .POST, "/api/v1/auth/tokens", json: ["email": "admin@tanggap.test", "password": "demo-tanggap-1"])
            #expect(admin.status == .forbidden && admin.text.contains("second_factor_required"))
            await #expect(throws: DemoError.self) {
                try await DemoSeeder.seed(context: app.tanggap, resourcesDirectory: app.directory.resourcesDirectory, on: app.db)
            }
        }
    }
}
