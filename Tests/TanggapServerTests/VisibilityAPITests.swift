import Foundation
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Every viewer × (anonim, rahasia), across the list, the detail, the history and the files of a report.
@Suite struct VisibilityAPITests {
    enum Viewer: String, CaseIterable {
        case publicVisitor, otherCitizen, reporter, holderLiaison, holderTechnician, routeAdmin, elsewhereAdmin, nationalAdmin, oversight
    }

    struct Expectation {
        let sees: Bool
        let identity: Bool
        let audiences: Set<String>
        /// The identity is sealed to this viewer, who may open it with a reason.
        var mayOpen = false
    }

    /// DOMAIN.md's privacy rules, written out per viewer for a report that went national → Pemkab → Dinas.
    static func expected(_ viewer: Viewer, anonim: Bool, rahasia: Bool) -> Expectation {
        switch viewer {
        case .publicVisitor, .otherCitizen, .elsewhereAdmin:
            return Expectation(sees: !rahasia, identity: false, audiences: ["public"])
        case .reporter:
            return Expectation(sees: true, identity: true, audiences: ["public", "participants"])
        case .holderLiaison, .holderTechnician, .routeAdmin:
            return Expectation(sees: true, identity: !anonim, audiences: ["public", "participants", "staff"])
        case .nationalAdmin, .oversight:
            // They may know an anonim reporter, once they open the sealed identity with a reason.
            return Expectation(sees: true, identity: !anonim, audiences: ["public", "participants", "staff"], mayOpen: anonim)
        }
    }

    func person(_ viewer: Viewer, _ world: World, reporterAccount: Person?) -> Person? {
        switch viewer {
        case .publicVisitor: nil
        case .otherCitizen: world.otherCitizen
        case .reporter: reporterAccount
        case .holderLiaison: world.liaison
        case .holderTechnician: world.technician
        case .routeAdmin: world.pemkabAdmin
        case .elsewhereAdmin: world.kemenkesAdmin
        case .nationalAdmin: world.nationalAdmin
        case .oversight: world.oversight
        }
    }

    /// Files a report with a photo and walks it through public, participant and staff events.
    func fileReport(_ world: World, anonim: Bool, rahasia: Bool, byAccount: Bool) async throws -> (id: String, secret: String?) {
        var form = Multipart()
        var fields = world.reportFields(["is_anonymous": anonim, "is_confidential": rahasia])
        if byAccount {
            fields["reporter_name"] = nil
            fields["reporter_phone"] = nil
        }
        for (key, value) in fields { form.field(key, "\(value)") }
        form.file("attachments[]", filename: "bukti.png", contentType: "image/png", data: SampleFiles.png)
        let reply = try await world.app.request(.POST, "/api/v1/reports", token: byAccount ? world.citizen.token : nil, multipart: form)
        #expect(reply.status == .created, "\(reply.text)")
        let receipt = try reply.receipt
        let id = receipt.trackingID
        let secret = receipt.secret
        try await world.must(.verify, on: id, by: world.nationalAdmin)
        try await world.must(.dispatch, on: id, by: world.nationalAdmin, ["institution_id": world.pemkab.id])
        try await world.must(.dispatch, on: id, by: world.pemkabAdmin, ["institution_id": world.dinas.id])
        try await world.must(.hold, on: id, by: world.liaison, ["question": "Di sebelah mana tepatnya?"])
        try await world.must(.reply, on: id, by: byAccount ? world.citizen : nil, secret: secret, ["text": "Depan toko besi."])
        try await world.must(.note, on: id, by: world.technician, ["text": "Catatan internal tim."])
        try await world.must(.answer, on: id, by: world.liaison, ["text": "Sudah ditambal."])
        return (id, secret)
    }

    @Test(arguments: [false, true])
    func everyViewerUnderEveryFlagCombination(byAccount: Bool) async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let identityMarkers = byAccount ? ["Siti Warga", "siti@warga.test"] : ["Asep Pelapor", "+6281234567890"]
            for anonim in [false, true] {
                for rahasia in [false, true] {
                    let report = try await fileReport(world, anonim: anonim, rahasia: rahasia, byAccount: byAccount)
                    for viewer in Viewer.allCases {
                        let label = "\(viewer) anonim=\(anonim) rahasia=\(rahasia) account=\(byAccount)"
                        let expect = Self.expected(viewer, anonim: anonim, rahasia: rahasia)
                        let who = person(viewer, world, reporterAccount: byAccount ? world.citizen : nil)
                        let secret = viewer == .reporter && !byAccount ? report.secret : nil

                        let detail = try await world.get("/api/v1/reports/\(report.id)", as: who, secret: secret)
                        #expect(detail.status == (expect.sees ? .ok : .notFound), "detail: \(label)")
                        let list = try await world.get("/api/v1/reports?limit=100", as: who)
                        // The list is by account: a reporter who only holds the secret appears there as the public.
                        let listsAsViewer = viewer != .reporter || byAccount
                        let listed =
                            listsAsViewer
                            ? (list.json["items"] as? [[String: Any]] ?? []).first { $0["tracking_id"] as? String == report.id } : nil
                        let events = try await world.get("/api/v1/reports/\(report.id)/events", as: who, secret: secret)
                        let file = (detail.json["attachments"] as? [[String: Any]])?.first?["url"] as? String
                        if listsAsViewer { #expect((listed != nil) == expect.sees, "list: \(label)") }
                        guard expect.sees else {
                            #expect(events.status == .notFound, "history: \(label)")
                            let guessed = try await world.get("/api/v1/reports/\(report.id)/attachments/000000000000000000000000", as: who)
                            #expect(guessed.status == .notFound, "files: \(label)")
                            continue
                        }
                        // Identity: the reporter block and their name in the history, only where allowed.
                        #expect((detail.json["reporter"] != nil) == expect.identity, "detail identity: \(label)")
                        if let listed { #expect((listed["reporter"] != nil) == expect.identity, "list identity: \(label)") }
                        let listedText =
                            listed.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) } ?? ""
                        for body in [detail.text, events.text, listedText] where !expect.identity {
                            for marker in identityMarkers { #expect(!body.contains(marker), "\(marker) leaked: \(label)") }
                        }
                        let items = events.json["items"] as? [[String: Any]] ?? []
                        #expect(Set(items.map { $0["audience"] as! String }) == expect.audiences, "history audiences: \(label)")
                        let replyEvent = items.first { $0["kind"] as? String == "reply" }
                        if let actor = replyEvent?["actor"] as? [String: Any] {
                            #expect(actor["kind"] as? String == "reporter")
                            #expect((actor["name"] != nil) == expect.identity, "reply actor: \(label)")
                        }
                        // Files: the submission photo follows the report.
                        let url = try #require(file, "attachment listed: \(label)")
                        let download = try await world.get(url, as: who, secret: secret)
                        #expect(download.status == .ok && download.body == SampleFiles.png, "file: \(label)")
                        // Sealed: opening it with a reason shows the reporter to this person, in the detail and history.
                        #expect(detail.json["identity_sealed"] as? Bool == expect.mayOpen, "sealed: \(label)")
                        guard let who else { continue }
                        let opening = try await world.openIdentity(of: report.id, by: who)
                        #expect(opening.status == (expect.mayOpen ? .created : .forbidden), "open: \(label)")
                        if expect.mayOpen {
                            #expect(opening.json["reporter"] != nil, "opened: \(label)")
                            let opened = try await world.get("/api/v1/reports/\(report.id)/events", as: who)
                            for marker in identityMarkers.prefix(1) { #expect(opened.text.contains(marker), "opened history: \(label)") }
                        }
                    }
                }
            }
        }
    }

    @Test func staffOnlyFilesStayWithStaff() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            var form = Multipart()
            form.field("text", "Foto survei internal")
            form.file("attachments[]", filename: "survei.jpg", contentType: "image/jpeg", data: SampleFiles.jpeg)
            let noted = try await app.request(
                .POST, "/api/v1/reports/\(report.trackingID)/note", token: world.technician.token, multipart: form)
            let url = try #require(try noted.acted.event?.attachments.first?.url)
            #expect(try await world.get(url, as: world.liaison).status == .ok)
            #expect(try await world.get(url, secret: report.secret).status == .notFound)
            // Files may only come with actions that carry them.
            let refused = try await app.request(
                .POST, "/api/v1/reports/\(report.trackingID)/hold", token: world.liaison.token,
                multipart: {
                    var f = Multipart()
                    f.field("question", "?")
                    f.file("attachments[]", filename: "a.png", data: SampleFiles.png)
                    return f
                }())
            #expect(refused.fieldErrors == ["attachments:not_allowed"])
        }
    }
}
