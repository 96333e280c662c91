import Foundation
import Testing
import Vapor

@testable import TanggapServer

/// The national ranking of the public statistics, a page at a time: hundreds of bodies are ranked, a page shows
/// fifty with the whole ranking's numbers, and the page stays light; the weekly review lists a hundred of a list.
@Suite struct RankingPagesTests {
    func rows(_ html: String) -> [String] {
        guard let start = html.range(of: "id=\"peringkat\""), let end = html.range(of: "</tbody>", range: start.upperBound..<html.endIndex)
        else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: "<tr><td class=\"number\">").dropFirst().map {
            String($0.prefix { $0 != "<" })
        }
    }

    @Test func theNationalRankingIsShownFiftyAtATime() async throws {
        try await withTestApp { app in
            _ = try await Generator.generate(
                reports: 1_500, years: 1, officesPerGovernment: 1, seed: 11, staffPassword: World.password, context: app.tanggap,
                resourcesDirectory: app.directory.resourcesDirectory, on: app.db)
            let first = try await app.request(.GET, "/statistik?periode=semua")
            #expect(first.status == .ok)
            #expect(rows(first.text) == (1...50).map(String.init), "the first fifty ranks")
            let caption = try #require(first.text.range(of: "Peringkat 1–50 dari "))
            let total = Int(first.text[caption.upperBound...].prefix { $0.isNumber || $0 == "." }.filter(\.isNumber))!
            #expect(total > 100, "hundreds of bodies are ranked nationally")
            #expect(first.text.contains("rel=\"next\"") && !first.text.contains("rel=\"prev\""))
            #expect(first.body.count < 40_000, "\(first.body.count) bytes")

            let second = try await app.request(.GET, "/statistik?periode=semua&halaman=2")
            #expect(rows(second.text).first == "51" && second.text.contains("rel=\"prev\""))
            let last = try await app.request(.GET, "/statistik?periode=semua&halaman=999")
            #expect(rows(last.text).last == String(total) && !last.text.contains("rel=\"next\""), "past the end: the last page")
            for hostile in ["0", "-3", "abc", "%3Cscript%3E"] {
                let reply = try await app.request(.GET, "/statistik?periode=semua&halaman=\(hostile)")
                #expect(reply.status == .ok && rows(reply.text).first == "1", "\(hostile): the first page")
            }
            // The CSV keeps every row.
            let csv = try await app.request(.GET, "/statistik.csv?periode=semua")
            #expect(csv.text.split(separator: "\r\n").count > total)
        }
    }

    @Test func theWeeklyReviewListsAHundredAndTheCSVEveryOne() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            for n in 1...105 { _ = try await world.submit(["title": "Laporan minggu ini nomor \(n)"]) }
            let browser = try await PageTests().signedIn(app, "admin@tanggap.test")
            let review = try await app.request(.GET, "/kelola/tinjauan", headers: [browser.header]).text
            let heading = try #require(review.range(of: "Laporan masuk minggu ini ("))
            let total = Int(review[heading.upperBound...].prefix { $0.isNumber })!
            let received = review[heading.upperBound...].components(separatedBy: "<h2>").first!
            #expect(total >= 105 && received.components(separatedBy: "<tr><th scope=\"row\">").count - 1 == 100)
            #expect(received.contains("Menampilkan 100 pertama dari \(total); semuanya ada di CSV."))
            let csv = try await app.request(.GET, "/kelola/tinjauan.csv", headers: [browser.header]).text
            #expect(csv.split(separator: "\r\n").filter { $0.hasPrefix("received,") }.count == total)
        }
    }
}
