import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Suggestions learnt from the instance's own history: what the API and the workspace offer, that they stay among the
/// bodies a report may be sent to, that feedback is kept, and that a citizen's look-alikes are published ones only.
@Suite struct SuggestionsTests {
    let pages = PageTests()

    static let roads = [
        "Jalan berlubang besar di depan pasar, motor sering jatuh", "Aspal jalan desa rusak parah setelah hujan deras",
        "Jembatan desa retak dan hampir ambruk", "Jalan kabupaten amblas, truk tidak bisa lewat",
        "Saluran drainase tersumbat, jalan tergenang", "Gorong-gorong jebol di jalan utama kampung",
    ]
    static let clinics = [
        "Puskesmas kehabisan obat, pasien disuruh beli sendiri", "Dokter puskesmas jarang ada, antrean panjang sekali",
        "Petugas puskesmas tidak ramah kepada pasien lansia", "Vaksin di posyandu kosong sejak bulan lalu",
    ]

    /// A history: road reports sent on to the office of works, health reports to the ministry of health, each
    /// verified and dispatched by the national admin, as a national inbox would.
    func history(_ world: World) async throws {
        for round in 0..<6 {
            for (index, text) in (Self.roads + Self.clinics).enumerated() {
                let road = index < Self.roads.count
                let report = try await world.submit([
                    "title": "\(text) (\(round))", "body": "\(text). Warga RT \(round + 1) menunggu tindakan.",
                    "category_id": road ? world.categoryID : world.otherCategoryID, "subcategory_id": NSNull(),
                ])
                try await world.must(.verify, on: report.trackingID, by: world.nationalAdmin)
                try await world.must(
                    .dispatch, on: report.trackingID, by: world.nationalAdmin, ["institution_id": road ? world.dinas.id : world.kemenkes.id]
                )
            }
        }
        _ = try #require(try await RoutingModels.train(now: world.app.tanggap.clock.now(), on: world.app.db))
        world.app.tanggap.routing.forget()
    }

    struct Suggested: Decodable {
        struct Category: Decodable {
            let category_id: Int64
            let confidence: Double
            let explanation: String
        }
        struct Institution: Decodable {
            let institution_id: Int64
            let confidence: Double
            let in_region: Bool
            let explanation: String
        }
        struct Duplicate: Decodable {
            let tracking_id: String
            let similarity: Double
        }
        struct Model: Decodable { let lessons: Int }
        let model: Model?
        let categories: [Category]
        let institutions: [Institution]
        let duplicates: [Duplicate]
    }

    func suggestions(_ world: World, _ trackingID: String, as person: Person) async throws -> Suggested {
        let reply = try await world.get("/api/v1/reports/\(trackingID)/suggestions", as: person)
        #expect(reply.status == .ok, "\(reply.text)")
        return try JSONDecoder().decode(Suggested.self, from: Data(reply.text.utf8))
    }

    @Test func aTextIsReadOnceAndAgainWhenItChanges() {
        let fingerprints = Fingerprints(weights: .uniform)
        let text = "Jembatan gantung di Desa Sukamaju RT 3 ambruk, warga tidak bisa menyeberang."
        let first = fingerprints.of(text, report: 7)
        #expect(fingerprints.count == 1 && NearDuplicates.similarity(fingerprints.of(text, report: 7), first) == 1)
        // A redaction changes the text: the kept fingerprint is not used for it.
        let redacted = fingerprints.of("Jembatan gantung ambruk, warga tidak bisa menyeberang.", report: 7)
        #expect(fingerprints.count == 1 && NearDuplicates.similarity(redacted, first) < 0.8)
        #expect(fingerprints.of(text, report: nil).shingles == first.shingles && fingerprints.count == 1, "a new text is not kept")
    }

    @Test func aNewReportIsSuggestedWhereItsKindWentAndWhy() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let before = try await world.submit([
                "title": "Jalan rusak berat di Cibiru", "body": "Jln rusak parahhh dkt pasar, motor jatuh",
            ])
            let none = try await suggestions(world, before.trackingID, as: world.nationalAdmin)
            #expect(none.model == nil && none.categories.isEmpty && none.institutions.isEmpty, "no model yet: nothing suggested")
            try await history(world)

            let road = try await world.submit(["title": "Jln bolong gede", "body": "jalan desa bolong parah, udh 2 motor jatuh"])
            let suggested = try await suggestions(world, road.trackingID, as: world.nationalAdmin)
            #expect(suggested.model?.lessons == 60)
            #expect(suggested.categories.first?.category_id == world.categoryID)
            #expect(suggested.institutions.first?.institution_id == world.dinas.id, "\(suggested.institutions)")
            let first = try #require(suggested.institutions.first)
            #expect(first.explanation.contains("kata: ") && first.explanation.contains("jalan"), "\(first.explanation)")
            #expect(first.confidence > 0.5 && suggested.institutions.count <= 5 && suggested.categories.count <= 3)
            #expect(zip(suggested.institutions, suggested.institutions.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })

            let clinic = try await world.submit([
                "title": "Obat puskesmas habis", "body": "puskesmas ga ada obat, pasien lansia disuruh beli sendiri",
                "category_id": world.otherCategoryID, "subcategory_id": NSNull(),
            ])
            #expect(
                try await suggestions(world, clinic.trackingID, as: world.nationalAdmin).institutions.first?.institution_id
                    == world.kemenkes.id)

            // The same history, asked in English: the explanation speaks the reader's language.
            let english = try await app.request(
                .GET, "/api/v1/reports/\(road.trackingID)/suggestions", token: world.nationalAdmin.token,
                headers: [("Accept-Language", "en")])
            #expect(english.text.contains("words: "))
        }
    }

    @Test func suggestionsStayWithinWhereTheReportMayBeSent() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            try await history(world)
            // Filed to the regency: it may go to the regency's own bodies, never the ministry the words point to.
            let held = try await world.submit([
                "title": "Obat puskesmas habis", "body": "puskesmas tidak ada obat", "target_institution_id": world.pemkab.id,
            ])
            let below: Set<Int64> = [world.pemkab.id, world.dinas.id, world.upt.id]
            let suggested = try await suggestions(world, held.trackingID, as: world.pemkabAdmin)
            #expect(!suggested.institutions.isEmpty && Set(suggested.institutions.map(\.institution_id)).isSubset(of: below))
            // Who may not work on the report hears nothing of it.
            let outside = try await world.get("/api/v1/reports/\(held.trackingID)/suggestions", as: world.liaison).status
            #expect(outside == .forbidden || outside == .notFound, "a unit below does not see its parent's report")
            #expect(try await world.get("/api/v1/reports/\(held.trackingID)/suggestions").status == .notFound)
            let receipt = try await world.submit()
            #expect(try await world.get("/api/v1/reports/\(receipt.trackingID)/suggestions", secret: receipt.secret).status == .forbidden)
        }
    }

    @Test func lookAlikesAreShownToStaffAndFeedbackIsKept() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let first = try await world.submit([
                "title": "Jembatan gantung Desa Sukamaju ambruk",
                "body": "Jembatan gantung di Desa Sukamaju ambruk kemarin sore, warga tidak bisa menyeberang ke pasar.",
            ])
            _ = try await world.submit(["title": "Air PDAM mati", "body": "Air PDAM di perumahan Griya Asri mati sejak tiga hari."])
            let second = try await world.submit([
                "title": "jembatan ds sukamaju ambrol",
                "body": "jembatan gantung ds sukamaju ambrol kmrn sore, warga ga bisa nyebrang ke pasar",
            ])
            let suggested = try await suggestions(world, second.trackingID, as: world.nationalAdmin)
            #expect(suggested.duplicates.map(\.tracking_id) == [first.trackingID], "\(suggested.duplicates)")

            let path = "/api/v1/reports/\(second.trackingID)/suggestions/feedback"
            let kept = try await app.request(
                .POST, path, token: world.nationalAdmin.token,
                json: ["kind": "institution", "suggested": [world.kemenkes.id, world.dinas.id], "chosen_id": world.dinas.id])
            #expect(kept.status == .noContent, "\(kept.text)")
            struct Row: Decodable {
                let suggested_id: Int64?
                let chosen_id: Int64
                let rank: Int?
                let user_id: Int64?
            }
            let rows = try await app.db.sql.raw("SELECT suggested_id, chosen_id, rank, user_id FROM suggestion_feedback").all(
                decoding: Row.self)
            #expect(
                rows.count == 1 && rows[0].suggested_id == world.kemenkes.id && rows[0].rank == 2
                    && rows[0].user_id == world.nationalAdmin.id)
            for bad: [String: Any] in [
                [:], ["kind": "weather", "chosen_id": world.dinas.id], ["kind": "institution", "chosen_id": 987_654],
                ["kind": "category", "chosen_id": "<script>"],
                ["kind": "institution", "chosen_id": world.dinas.id, "suggested": Array(1...11)],
            ] {
                let refused = try await app.request(.POST, path, token: world.nationalAdmin.token, json: bad)
                #expect(refused.status == .unprocessableEntity || refused.status == .badRequest, "\(bad): \(refused.status)")
            }
            #expect(
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM suggestion_feedback").first(decoding: GeneratorTests.N.self)!.n == 1)
        }
    }

    @Test func aCitizenIsShownPublishedLookAlikesOnlyNeverARahasiaOne() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let text = "Lampu penerangan jalan di depan masjid Al Ikhlas padam sudah sebulan, jalan gelap sekali."
            let published = try await world.submit(["title": "Lampu jalan depan masjid Al Ikhlas padam", "body": text])
            try await world.must(.verify, on: published.trackingID, by: world.nationalAdmin)
            let secret = try await world.submit(["title": "Lampu jalan depan masjid Al Ikhlas mati", "body": text, "is_confidential": true])
            try await world.must(.verify, on: secret.trackingID, by: world.nationalAdmin)
            let unverified = try await world.submit(["title": "Lampu jalan masjid Al Ikhlas", "body": text])

            var browser = PageTests.Browser()
            let formPage = try await app.request(.GET, "/lapor")
            browser.keep(formPage)
            var fields = world.reportFields(["title": "lampu jalan dpn masjid al ikhlas mati", "body": text]).mapValues { "\($0)" }
            fields["_csrf"] = browser.csrf(in: formPage)
            let before = try await world.tableCounts()
            let shown = try await app.request(
                .POST, "/lapor", headers: [browser.header], rawBody: pages.form(fields), contentType: "application/x-www-form-urlencoded")
            #expect(shown.status == .ok && shown.text.contains("laporan-serupa") && shown.text.contains("file_anyway"))
            #expect(shown.text.contains(published.trackingID))
            #expect(
                !shown.text.contains(secret.trackingID) && !shown.text.contains(unverified.trackingID), "never rahasia, never unverified")
            #expect(try await world.tableCounts() == before, "nothing filed yet")

            fields["file_anyway"] = "1"
            let filed = try await app.request(
                .POST, "/lapor", headers: [browser.header], rawBody: pages.form(fields), contentType: "application/x-www-form-urlencoded")
            let after = try await world.tableCounts()
            #expect(filed.status == .seeOther && after["reports"] == before["reports"]! + 1)
        }
    }
}

/// Rising problems on the weekly review and the dashboard: a case merged from many reports is one incident with many
/// reporters.
@Suite struct RisingProblemsTests {
    @Test func mergedReportsAreReportersOfOneIncident() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var cases: [String] = []
            for n in 1...5 { cases.append(try await world.submit(["title": "Lampu jalan mati di gang \(n)"]).trackingID) }
            for _ in 1...3 {
                let again = try await world.submit(["title": "Lampu jalan mati di gang 1"])
                try await world.must(
                    .archive, on: again.trackingID, by: world.nationalAdmin, ["archive_reason": "duplicate", "duplicate_of": cases[0]])
            }
            let rises = try await app.tanggap.incidents.rising(
                under: world.national, weekStart: app.tanggap.clock.now().addingTimeInterval(-86_400), now: app.tanggap.clock.now(),
                on: app.db)
            let rise = try #require(rises.first)
            #expect(rises.count == 1 && rise.incidents == 5 && rise.reporters == 8 && rise.weeklyBefore == 0, "\(rises)")
            #expect(rise.topic == RisingIncidents.Topic(regionID: world.regionID, categoryID: world.categoryID))

            let browser = try await PageTests().signedIn(app, "admin@tanggap.test")
            let dashboard = try await app.request(.GET, "/kelola/dasbor", headers: [browser.header]).text
            #expect(dashboard.contains("id=\"rising-problems\"") && dashboard.contains("5 kejadian (8 pelapor)"))
            let review = try await app.request(.GET, "/kelola/tinjauan", headers: [browser.header]).text
            #expect(review.contains("id=\"rising-problems\""))
        }
    }
}
