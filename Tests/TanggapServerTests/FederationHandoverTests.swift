import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Two real instances on loopback hand cases to each other through their federation outboxes: the answer comes back
/// to the reporter where they filed, their reply, confirmation and rating reach the holder, a case that is not the
/// holder's comes back to be routed again, an anonim reporter's identity never crosses, and a loop is refused.
@Suite struct FederationHandoverTests {
    /// A region and the national instance, each with the other pinned: the region's node "SP4N-LAPOR! Nasional"
    /// stands for the national instance, the national node "Pemerintah Kabupaten A" for the region.
    func withLinkedPair(_ body: (_ region: Instance, _ national: Instance) async throws -> Void) async throws {
        try await withInstance(named: "Kabupaten A") { region in
            try await withInstance(named: "Nasional") { national in
                region.app.tanggap.mailer = RecordingMailer()
                try await region.addPeer(national.url, node: "SP4N-LAPOR! Nasional")
                try await national.addPeer(region.url, node: "Pemerintah Kabupaten A")
                try await body(region, national)
            }
        }
    }

    func node(_ instance: Instance, _ name: String) async throws -> Int64 {
        try #require(try await InstitutionModel.query(on: instance.db).filter(\.$name == name).first()?.id)
    }

    /// The local report a case handed in from a peer became.
    func handedIn(_ instance: Instance) async throws -> [ReportModel] {
        let ids = try await instance.db.sql.raw("SELECT report_id FROM federation_links WHERE direction = 'handed_in' ORDER BY id")
            .all(decodingColumn: "report_id", as: Int64.self)
        return try await ids.asyncMap { try #require(try await ReportModel.find($0, on: instance.db)) }
    }

    /// Delivers both ways until nothing is left.
    func settle(_ a: Instance, _ b: Instance) async throws {
        for _ in 0..<10 {
            let moved = try await a.deliver() + b.deliver()
            if moved == 0 { return }
        }
        Issue.record("the outboxes did not settle")
    }

    func report(_ instance: Instance, _ trackingID: String) async throws -> ReportRepresentation {
        try await instance.world.get("/api/v1/reports/\(trackingID)", as: instance.world.nationalAdmin).report
    }

    @Test func aCaseFiledWithTheRegionIsAnsweredNationallyAndTheReporterHearsWhereTheyFiled() async throws {
        try await withLinkedPair { region, national in
            let nationalNode = try await node(region, "SP4N-LAPOR! Nasional")
            let filed = try await region.world.submit(["reporter_email": "asep@warga.test"])
            try await region.world.must(.verify, on: filed.trackingID, by: region.world.nationalAdmin)
            try await region.world.must(.dispatch, on: filed.trackingID, by: region.world.nationalAdmin, ["institution_id": nationalNode])
            try await settle(region, national)

            // The national instance holds its own report, linked to the region's, and knows the reporter by name only.
            let held = try #require(try await handedIn(national).first)
            #expect(held.channel == .federation && held.state == .received && held.title == "Jalan berlubang di depan pasar Soreang")
            #expect(held.categoryID == national.world.categoryID && held.regionID == national.world.regionID)
            let asStaff = try await report(national, held.trackingID.display)
            #expect(asStaff.reporter?.name == "Asep Pelapor" && asStaff.reporter?.email == nil && asStaff.reporter?.phone == nil)
            // The region sees who holds it, under which id, and where it stands there.
            let link = try #require(try await handedOut(region, filed.trackingID))
            #expect(link.remoteTrackingID == held.trackingID.display && link.remoteState == "received")
            #expect(link.remoteHolder == "Pengelola Nasional" && link.remoteDueAt != nil)

            // Verified and dispatched inside the national tree, answered there.
            let heldID = held.trackingID.display
            try await national.world.must(.verify, on: heldID, by: national.world.nationalAdmin)
            try await national.world.must(
                .dispatch, on: heldID, by: national.world.nationalAdmin, ["institution_id": national.world.pemkab.id])
            try await national.world.must(
                .answer, on: heldID, by: national.world.pemkabAdmin, ["text": "Perbaikan dijadwalkan pekan depan."])
            try await settle(region, national)

            // The answer is on the region's report, marked as coming from the peer, and the reporter was told by e-mail.
            let answered = try await report(region, filed.trackingID)
            #expect(answered.state == .answered)
            let events = try await region.world.get("/api/v1/reports/\(filed.trackingID)/events", as: region.world.nationalAdmin).events
            let answer = try #require(events.last { $0.kind == .answer })
            #expect(answer.note == "Perbaikan dijadwalkan pekan depan." && answer.actor.kind == "peer" && answer.channel == .federation)
            #expect(answer.actor.institution?.name == "SP4N-LAPOR! Nasional")
            #expect(try await sentTo(region, "asep@warga.test").contains { $0.contains("Perbaikan dijadwalkan pekan depan.") })
            let page = try await region.app.request(.GET, "/laporan/\(filed.trackingID)").text
            #expect(page.contains("Perbaikan dijadwalkan pekan depan.") && page.contains("instansi mitra"))
            // Where it is across the border: the holder there, its tracking id, its state and deadline.
            #expect(page.contains("id=\"handover-handed_out\"") && page.contains("Nasional · Pemerintah Kabupaten Bandung · \(heldID)"))
            #expect(try await handedOut(region, filed.trackingID)?.remoteState == "answered")

            // The reporter answers back on the region; the national officer sees it; answered again, then the reporter
            // confirms and rates on the region, and the rating counts nationally.
            let secret = try #require(filed.secret)
            try await region.world.must(.reply, on: filed.trackingID, secret: secret, ["text": "Kapan tepatnya? Lubang makin besar."])
            try await settle(region, national)
            let heldEvents = try await national.world.get("/api/v1/reports/\(heldID)/events", as: national.world.pemkabAdmin).events
            #expect(
                heldEvents.contains { $0.kind == .reply && $0.note == "Kapan tepatnya? Lubang makin besar." && $0.actor.kind == "reporter" }
            )
            #expect(try await report(national, heldID).state == .dispatched)
            try await national.world.must(.answer, on: heldID, by: national.world.pemkabAdmin, ["text": "Senin, 14 Desember."])
            try await settle(region, national)
            try await region.world.must(.confirm, on: filed.trackingID, secret: secret)
            try await region.world.must(.rate, on: filed.trackingID, secret: secret, ["rating": "satisfied", "comment": "Cepat."])
            try await settle(region, national)
            let done = try await report(national, heldID)
            #expect(done.state == .completed && done.rating == .satisfied)
            #expect(try await report(region, filed.trackingID).state == .completed)
            let ratings = try await national.db.sql.raw("SELECT COUNT(*) AS n FROM reports WHERE rating IS NOT NULL").first(
                decodingColumn: "n", as: Int.self)
            #expect(ratings == 1)

            // Figures cross too: the national instance reads the region's, shows them with their source, and counts the
            // case that crossed once across both instances.
            try await FederationFigures.pull(context: national.app.tanggap, on: national.db)
            let fromRegion = try #require(try await FederationFigures.stored(on: national.db).first)
            #expect(fromRegion.source == region.url && fromRegion.figures.name == "Kabupaten A" && fromRegion.figures.handedIn == 0)
            #expect(fromRegion.figures.received == 1 && fromRegion.figures.completed == 1)
            let ownFigures = try await FederationFigures.own(
                context: national.app.tanggap, now: national.app.tanggap.clock.now(), on: national.db)
            #expect(ownFigures.received == 1 && ownFigures.handedIn == 1 && ownFigures.rated == 1)
            let statistics = try await national.app.request(.GET, "/statistik").text
            #expect(statistics.contains("id=\"instansi-mitra\"") && statistics.contains(region.url))
            #expect(statistics.contains("Di seluruh 2 instansi: 1 laporan diterima"), "the case that crossed counts once")
            #expect(!(try await region.app.request(.GET, "/statistik").text.contains("instansi-mitra")), "not read yet there")

            // Every event was applied once; nothing is left waiting either way.
            for instance in [region, national] {
                let left = try await instance.db.sql.raw("SELECT COUNT(*) AS n FROM federation_outbox WHERE state <> 'delivered'")
                    .first(decodingColumn: "n", as: Int.self)
                #expect(left == 0)
                let declined = try await instance.db.sql.raw("SELECT COUNT(*) AS n FROM federation_inbox WHERE outcome LIKE 'declined%'")
                    .first(decodingColumn: "n", as: Int.self)
                #expect(declined == 0)
            }
        }
    }

    @Test func notOurAuthorityComesBackToBeRoutedAgainAndAnAnonimIdentityNeverCrosses() async throws {
        try await withLinkedPair { region, national in
            let nationalNode = try await node(region, "SP4N-LAPOR! Nasional")
            let filed = try await region.world.submit([
                "is_anonymous": true, "reporter_name": "Wulan Samaran", "reporter_email": "wulan.samaran@warga.test",
                "reporter_phone": "081298765432",
            ])
            try await region.world.must(.verify, on: filed.trackingID, by: region.world.nationalAdmin)
            try await region.world.must(.dispatch, on: filed.trackingID, by: region.world.nationalAdmin, ["institution_id": nationalNode])
            try await settle(region, national)

            // Nothing of the reporter is anywhere in the national database, whatever the table.
            let held = try #require(try await handedIn(national).first)
            #expect(held.isAnonymous)
            let stored = try await DataRightsTests().everyStoredText(national.app)
            for needle in ["wulan", "samaran", "081298765432", "6281298765432"] {
                #expect(
                    !stored.contains { $0.1.contains(needle) }, "\(needle) crossed: \(stored.filter { $0.1.contains(needle) }.map(\.0))")
            }
            let asStaff = try await report(national, held.trackingID.display)
            #expect(asStaff.reporter == nil)

            // The national instance says it is not its authority: the case goes back to the region, to be routed again.
            try await national.world.must(
                .notOurAuthority, on: held.trackingID.display, by: national.world.nationalAdmin,
                ["reason": "Kewenangan jalan kabupaten ada pada pemerintah kabupaten."])
            #expect(try await report(national, held.trackingID.display).state == .archived)
            try await settle(region, national)
            let back = try await report(region, filed.trackingID)
            #expect(back.state == .verified && back.holder.name == "Pengelola Nasional" && back.archiveReason == nil)
            let events = try await region.world.get("/api/v1/reports/\(filed.trackingID)/events", as: region.world.nationalAdmin).events
            #expect(
                events.last?.kind == .notOurAuthority && events.last?.note == "Kewenangan jalan kabupaten ada pada pemerintah kabupaten.")
            #expect(events.last?.actor.kind == "peer")
            #expect(try await FederationLinks.active(of: try await reportID(region, filed.trackingID), on: region.db).isEmpty)
            // Routed again inside the region, it is handled there as any report.
            try await region.world.must(
                .dispatch, on: filed.trackingID, by: region.world.nationalAdmin, ["institution_id": region.world.pemkab.id])
        }
    }

    @Test func aCaseHandedBackToWhereItCameFromIsRefusedAsALoop() async throws {
        try await withLinkedPair { region, national in
            let nationalNode = try await node(region, "SP4N-LAPOR! Nasional")
            let regionNode = try await node(national, "Pemerintah Kabupaten A")
            let filed = try await region.world.submit()
            try await region.world.must(.verify, on: filed.trackingID, by: region.world.nationalAdmin)
            try await region.world.must(.dispatch, on: filed.trackingID, by: region.world.nationalAdmin, ["institution_id": nationalNode])
            try await settle(region, national)
            let held = try #require(try await handedIn(national).first).trackingID.display
            try await national.world.must(.verify, on: held, by: national.world.nationalAdmin)
            // N hands it "down" to A, where it came from: A refuses, and N gets it back to route again.
            try await national.world.must(.dispatch, on: held, by: national.world.nationalAdmin, ["institution_id": regionNode])
            try await settle(region, national)
            let outcome = try await region.db.sql.raw("SELECT outcome FROM federation_inbox WHERE type = 'report.handover' ORDER BY id")
                .all(decodingColumn: "outcome", as: String.self)
            #expect(outcome == ["returned"], "\(outcome)")
            #expect(try await handedIn(region).isEmpty, "the region took nothing in")
            let again = try await report(national, held)
            #expect(again.state == .verified && again.holder.name == "Pengelola Nasional")
            let events = try await national.world.get("/api/v1/reports/\(held)/events", as: national.world.nationalAdmin).events
            #expect(events.last?.kind == .notOurAuthority && events.last?.note?.contains("melewati") == true)
        }
    }

    @Test func aReporterWhoErasesTheirAccountIsForgottenWhereverTheCaseWent() async throws {
        try await withLinkedPair { region, national in
            let nationalNode = try await node(region, "SP4N-LAPOR! Nasional")
            let filed = try await region.world.submit(["reporter_name": "Siti Warga"], by: region.world.citizen)
            // The same person's anonim case crosses too, with nothing of them: no erasure may point at it afterwards.
            let anonim = try await region.world.submit(["is_anonymous": true], by: region.world.citizen)
            for submitted in [filed, anonim] {
                try await region.world.must(.verify, on: submitted.trackingID, by: region.world.nationalAdmin)
                try await region.world.must(
                    .dispatch, on: submitted.trackingID, by: region.world.nationalAdmin, ["institution_id": nationalNode])
            }
            try await settle(region, national)
            // The cases travel side by side, so they may arrive in either order.
            let held = try #require(try await handedIn(national).first { !$0.isAnonymous })
            func nameKept() async throws -> String? {
                try await national.db.sql.raw("SELECT reporter_name FROM reports WHERE id = \(bind: held.id!)")
                    .first(decodingColumn: "reporter_name", as: String?.self) ?? nil
            }
            #expect(try await nameKept() == "Siti Warga" && held.reporterErasedAt == nil)

            let erased = try await region.app.request(
                .DELETE, "/api/v1/me", token: region.world.citizen.token, json: ["password": World.password])
            #expect(erased.status == .noContent || erased.status == .ok, "\(erased.text)")
            try await settle(region, national)
            let forgotten = try #require(try await ReportModel.find(held.id, on: national.db))
            #expect(try await nameKept() == nil && forgotten.reporterErasedAt != nil)
            let outcome = try await national.db.sql.raw("SELECT outcome FROM federation_inbox WHERE type = 'report.reporter_erased'")
                .all(decodingColumn: "outcome", as: String.self)
            #expect(outcome == ["applied"], "one event, for the named case only")
            let anonimHeld = try #require(try await handedIn(national).first { $0.isAnonymous })
            #expect(anonimHeld.reporterErasedAt == nil)
        }
    }

    @Test func aPeersEventThatDoesNotFitTheCaseIsDeclinedWithItsReasonAndChangesNothing() async throws {
        try await withLinkedPair { region, national in
            let nationalNode = try await node(region, "SP4N-LAPOR! Nasional")
            let filed = try await region.world.submit()
            try await region.world.must(.verify, on: filed.trackingID, by: region.world.nationalAdmin)
            try await region.world.must(.dispatch, on: filed.trackingID, by: region.world.nationalAdmin, ["institution_id": nationalNode])
            try await settle(region, national)
            let ref = try #require(try await handedOut(region, filed.trackingID)).ref

            // Events signed by the national instance as its courier would sign them, but wrong for the case they name.
            let now = region.app.tanggap.clock.now()
            let identity = try await InstanceKeys.load(settings: national.app.tanggap.settings, now: now, on: national.db)
            func send(_ kind: FederationEvent.Kind, about ref: String, _ payload: FederationPayload) async throws -> String? {
                let event = FederationEvent(
                    id: UUID().uuidString.lowercased(), type: kind.rawValue, sender: identity.instanceID, createdAt: now, report: ref,
                    payload: payload)
                let inbox = FederationInboxTests()
                let reply = try await inbox.post(region.app, try inbox.signed(event, to: region.app, signer: identity.signer, created: now))
                #expect(reply.status == .ok, "\(reply.text)")
                return try reply.decode(FederationInboxController.Receipt.self).outcome
            }
            func text(_ text: String) -> FederationPayload {
                var payload = FederationPayload()
                payload.text = text
                return payload
            }
            let eventsBefore = try await region.world.get("/api/v1/reports/\(filed.trackingID)/events", as: region.world.nationalAdmin)
                .events
            let misfits: [(String, FederationEvent.Kind, String, FederationPayload)] = [
                ("declined: unknown_report", .answer, UUID().uuidString.lowercased(), text("Sudah diperbaiki.")),
                ("declined: wrong_direction", .reporterReply, ref, text("Saya sebagai pelapor?")),
                ("declined: validation_failed (text too_long)", .answer, ref, text(String(repeating: "panjang ", count: 1_300))),
                ("declined: validation_failed (text required)", .answer, ref, text("   ")),
            ]
            for (expected, kind, about, payload) in misfits {
                let outcome = try await send(kind, about: about, payload)
                #expect(outcome == expected, "\(kind): \(outcome ?? "none")")
            }
            let eventsAfter = try await region.world.get("/api/v1/reports/\(filed.trackingID)/events", as: region.world.nationalAdmin)
                .events
            let stateAfter = try await report(region, filed.trackingID).state
            #expect(eventsAfter.count == eventsBefore.count && stateAfter == .dispatched)

            // Hand-overs the region cannot take in go straight back, with nothing kept: one that has passed through too
            // many instances, one whose file is not base64.
            var looping = FederationPayload()
            looping.title = "Banjir di jalan provinsi"
            looping.body = "Air setinggi lutut menutup jalan provinsi sejak pagi."
            looping.hops = (0..<FederationPayload.hopLimit).map { _ in UUID().uuidString.lowercased() }
            var brokenFile = looping
            brokenFile.hops = [identity.instanceID]
            brokenFile.files = [FederationPayload.File(name: "foto.jpg", data: "%%% bukan base64 <script>")]
            for payload in [looping, brokenFile] {
                #expect(try await send(.handover, about: UUID().uuidString.lowercased(), payload) == "returned")
            }
            #expect(try await handedIn(region).isEmpty)

            // An anonim case sent with a name anyway (a peer that is wrong or hostile): taken in, the name is not.
            var smuggling = looping
            smuggling.hops = [identity.instanceID]
            smuggling.isAnonymous = true
            smuggling.reporterName = "Nama Selundupan"
            #expect(try await send(.handover, about: UUID().uuidString.lowercased(), smuggling) == "applied")
            #expect(try await handedIn(region).first?.isAnonymous == true)
            let stored = try await DataRightsTests().everyStoredText(region.app)
            #expect(!stored.contains { $0.1.contains("Selundupan") }, "\(stored.filter { $0.1.contains("Selundupan") }.map(\.0))")
            let returned = try await region.db.sql.raw("SELECT COUNT(*) AS n FROM federation_outbox WHERE type = 'report.returned'")
                .first(decodingColumn: "n", as: Int.self)
            #expect(returned == 2)

            // Taken back by the region, the case is no longer the national instance's to answer.
            try await region.world.must(
                .dispatch, on: filed.trackingID, by: region.world.nationalAdmin, ["institution_id": region.world.pemkab.id])
            #expect(try await send(.answer, about: ref, text("Terlambat.")) == "declined: link_ended")
            #expect(try await report(region, filed.trackingID).state == .dispatched)
        }
    }

    func reportID(_ instance: Instance, _ trackingID: String) async throws -> Int64 {
        let id = try #require(TrackingID(parsing: trackingID))
        return try #require(try await ReportModel.query(on: instance.db).filter(\.$trackingID == id).first()?.id)
    }

    /// The latest hand-over of a report, as its origin keeps it.
    func handedOut(_ instance: Instance, _ trackingID: String) async throws -> FederationLinks.Link? {
        try await FederationLinks.latest(of: try await reportID(instance, trackingID), on: instance.db).first { $0.direction == .handedOut }
    }

    func sentTo(_ instance: Instance, _ address: String) async throws -> [String] {
        try await instance.db.sql.raw("SELECT body FROM deliveries WHERE address = \(bind: address) ORDER BY id")
            .all(decodingColumn: "body", as: String.self)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
