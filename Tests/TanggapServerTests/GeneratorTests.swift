import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// `tanggap generate`: the national tree, reports whose rows, histories, routes and kept figures agree with each
/// other, and a second run that adds to the first.
@Suite struct GeneratorTests {
    struct N: Decodable { let n: Int }

    func count(_ app: Application, _ sql: String) async throws -> Int {
        try await app.db.sql.raw(SQLQueryString(sql)).first(decoding: N.self)!.n
    }

    @Test func generatedReportsHangTogetherAndASecondRunAddsToTheFirst() async throws {
        try await withTestApp { app in
            let resources = app.directory.resourcesDirectory
            let first = try await Generator.generate(
                reports: 1_500, years: 2, officesPerGovernment: 2, seed: 7, staffPassword: World.password, context: app.tanggap,
                resourcesDirectory: resources, on: app.db)
            // The national level, 20 ministries with 3 directorates, each province with one office, each regency and city with two.
            let provinces = try await count(app, "SELECT COUNT(*) AS n FROM regions WHERE parent_id IS NULL")
            let locals = try await count(app, "SELECT COUNT(*) AS n FROM regions WHERE parent_id IS NOT NULL")
            #expect(locals == 514 && first.institutions == 1 + 20 * 4 + provinces * 2 + locals * 3)
            #expect(first.reports == 1_500)
            // Everyone below the national level has a person: an admin per body, a liaison officer per unit; they sign in.
            #expect(first.staff == first.institutions - 1)
            let someUnit = try #require(try await InstitutionModel.query(on: app.db).filter(\.$kind == "unit").first())
            let email = SyntheticStaff.email(.liaisonOfficer, at: someUnit.id!)
            let signedIn = try await app.request(.POST, "/api/v1/auth/tokens", json: ["email": email, "password": World.password])
            #expect(signedIn.status == .created, "\(signedIn.text)")
            #expect(try await count(app, "SELECT COUNT(*) AS n FROM reports") == 1_500)

            // Every report: a valid, unique tracking ID; its history numbered from 1 with `submitted` first; a route.
            let ids = try await app.db.sql.raw("SELECT tracking_id AS t FROM reports").all().map {
                try $0.decode(column: "t", as: String.self)
            }
            #expect(Set(ids).count == ids.count && ids.allSatisfy { TrackingID(parsing: $0) != nil })
            #expect(
                try await count(
                    app,
                    """
                    SELECT COUNT(*) AS n FROM reports r WHERE r.event_count <> (SELECT COUNT(*) FROM report_events e WHERE e.report_id = r.id)
                    OR NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.seq = 1 AND e.kind = 'submitted')
                    OR NOT EXISTS (SELECT 1 FROM report_routes o WHERE o.report_id = r.id AND o.institution_id = r.holder_id)
                    """) == 0)
            #expect(
                try await count(
                    app,
                    "SELECT COUNT(*) AS n FROM reports WHERE was_bounced = \(app.db.isPostgres ? "true" : "1") AND id NOT IN (SELECT report_id FROM report_events WHERE kind = 'not_our_authority')"
                ) == 0)
            // Shaped like a real system: most done, some open, a tail of them late; answers only on answered reports.
            let completed = try await count(app, "SELECT COUNT(*) AS n FROM reports WHERE state = 'completed'")
            let red = try await count(
                app, "SELECT COUNT(*) AS n FROM reports WHERE sla_light = 'red' AND state NOT IN ('completed', 'archived')")
            #expect(completed > 1_500 / 2 && red > 0 && red < 1_500 / 4, "completed \(completed), red \(red)")
            #expect(
                try await count(
                    app, "SELECT COUNT(*) AS n FROM reports WHERE (first_answered_at IS NULL) <> (first_answer_working_days IS NULL)") == 0)
            // Searchable like any report.
            #expect(
                try await count(
                    app,
                    app.db.isPostgres
                        ? "SELECT COUNT(*) AS n FROM reports WHERE search @@ to_tsquery('simple', 'jalan:*')"
                        : "SELECT COUNT(*) AS n FROM reports_fts WHERE reports_fts MATCH '\"jalan\"*'") > 0)

            // The figures written with them are those a recount finds, read in batches whose every boundary counts
            // its last report once (a time bound back from its decoded Date once counted it twice on SQLite).
            let kept = try await FiguresTests().tallies(app)
            #expect(try await ReportTallies.rebuild(context: app.tanggap, on: app.db, batchSize: 37).reports == 1_500)
            #expect(try await FiguresTests().tallies(app) == kept)

            // Again: the tree is found, not made twice; the reports continue after the first ones.
            let second = try await Generator.generate(
                reports: 500, years: 2, officesPerGovernment: 2, seed: 8, staffPassword: World.password, context: app.tanggap,
                resourcesDirectory: resources, on: app.db)
            #expect(second.institutions == first.institutions && second.staff == 0)
            #expect(try await count(app, "SELECT COUNT(*) AS n FROM institutions") == first.institutions)
            #expect(try await count(app, "SELECT COUNT(*) AS n FROM reports") == 2_000)
            let kept2 = try await FiguresTests().tallies(app)
            _ = try await ReportTallies.rebuild(context: app.tanggap, on: app.db)
            #expect(try await FiguresTests().tallies(app) == kept2)
        }
    }
}
