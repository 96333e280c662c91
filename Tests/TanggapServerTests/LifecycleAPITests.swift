import Fluent
import Foundation
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// The whole life of a report through the API, with the history each step leaves.
@Suite struct LifecycleAPITests {
    func kinds(_ world: World, _ trackingID: String, as person: Person) async throws -> [String] {
        let reply = try await world.get("/api/v1/reports/\(trackingID)/events", as: person)
        return (reply.json["items"] as? [[String: Any]] ?? []).map { $0["kind"] as! String }
    }

    @Test func fromSubmissionToARating() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.submit()
            let id = report.trackingID
            try await world.must("verify", on: id, by: world.nationalAdmin)
            try await world.must(
                "dispatch", on: id, by: world.nationalAdmin, ["institution_id": world.pemkab.id, "note": "Kewenangan kabupaten"])
            try await world.must("dispatch", on: id, by: world.pemkabAdmin, ["institution_id": world.dinas.id])
            try await world.must("assign", on: id, by: world.liaison, ["user_id": world.technician.id])
            try await world.must("note", on: id, by: world.technician, ["text": "Sudah survei, perlu 2 m3 aspal"])
            let answered = try await world.must("answer", on: id, by: world.liaison, ["text": "Lubang sudah ditambal pada 20 November."])
            #expect((answered.json["report"] as! [String: Any])["state"] as? String == "answered")
            let replied = try await world.must("reply", on: id, secret: report.secret, ["text": "Masih ada satu lubang di sisi utara."])
            #expect((replied.json["report"] as! [String: Any])["state"] as? String == "dispatched")
            try await world.must("answer", on: id, by: world.liaison, ["text": "Sisi utara sudah ditambal."])
            try await world.must("confirm", on: id, secret: report.secret)
            let rated = try await world.must(
                "rate", on: id, secret: report.secret, ["rating": "satisfied", "comment": "Cepat, terima kasih"])
            let final = rated.json["report"] as! [String: Any]
            #expect(final["state"] as? String == "completed" && final["rating"] as? String == "satisfied")
            #expect(final["completed_at"] != nil && final["first_answered_at"] != nil && final["dispatched_at"] != nil)

            #expect(
                try await kinds(world, id, as: world.nationalAdmin) == [
                    "submitted", "verify", "dispatch", "dispatch", "assign", "note", "answer", "reply", "answer", "confirm", "rate",
                ])
            let events = (try await world.get("/api/v1/reports/\(id)/events", as: world.nationalAdmin)).json["items"] as! [[String: Any]]
            #expect(events.map { $0["seq"] as! Int } == Array(1...11))
            let dispatch = events[2]
            #expect((dispatch["from_institution"] as! [String: Any])["id"] as? Int64 == world.national.id)
            #expect((dispatch["to_institution"] as! [String: Any])["id"] as? Int64 == world.pemkab.id)
            #expect(dispatch["note"] as? String == "Kewenangan kabupaten")
            #expect((events[4]["details"] as! [String: Any])["assignee"] as? [String: Any] != nil)
            // The reporter reads the public events and their own exchange, but not internal work.
            #expect(try await kinds(world, id, as: world.citizen).contains("note") == false)
            let reporterView =
                (try await world.get("/api/v1/reports/\(id)/events", secret: report.secret)).json["items"] as! [[String: Any]]
            #expect(
                reporterView.map { $0["kind"] as! String } == [
                    "submitted", "verify", "dispatch", "dispatch", "answer", "reply", "answer", "confirm", "rate",
                ])
        }
    }

    @Test func holdWaitsForTheReporterAndResumesWhereItWas() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            let held = try await world.must("hold", on: report.trackingID, by: world.liaison, ["question": "Mohon foto lokasi."])
            #expect((held.json["report"] as! [String: Any])["state"] as? String == "on_hold")
            var form = Multipart()
            form.field("text", "Ini fotonya.")
            form.file("attachments[]", filename: "lokasi.jpg", contentType: "image/jpeg", data: SampleFiles.jpeg)
            let reply = try await app.request(.POST, "/api/v1/reports/\(report.trackingID)/reply", secret: report.secret, multipart: form)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect((reply.json["report"] as! [String: Any])["state"] as? String == "dispatched")
            #expect(((reply.json["event"] as! [String: Any])["attachments"] as! [[String: Any]]).count == 1)
        }
    }

    @Test func notOurAuthorityReturnsTheReportOneLevelUpAndItIsRoutedAgain() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            let bounced = try await world.must(
                "not-our-authority", on: report.trackingID, by: world.liaison, ["reason": "Jalan provinsi, bukan kabupaten"])
            let state = bounced.json["report"] as! [String: Any]
            #expect(state["state"] as? String == "verified")
            #expect((state["holder"] as! [String: Any])["id"] as? Int64 == world.pemkab.id)
            // The liaison still sees the report it passed through, but can no longer act on it.
            let seen = try await world.get("/api/v1/reports/\(report.trackingID)", as: world.liaison)
            #expect(seen.status == .ok && seen.json["actions"] as? [String] == [])
            try await world.must("not-our-authority", on: report.trackingID, by: world.pemkabAdmin, ["reason": "Kewenangan Kemenkes"])
            try await world.must("dispatch", on: report.trackingID, by: world.nationalAdmin, ["institution_id": world.kemenkes.id])
            try await world.must("dispatch", on: report.trackingID, by: world.kemenkesAdmin, ["institution_id": world.direktorat.id])
            try await world.must("answer", on: report.trackingID, by: world.kemenkesLiaison, ["text": "Ditangani Direktorat."])
        }
    }

    @Test func aDuplicatePointsToTheMainReportAndReopeningUndoesIt() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let main = try await world.submit()
            let copy = try await world.submit()
            try await world.must("verify", on: copy.trackingID, by: world.nationalAdmin)
            let archived = try await world.must(
                "archive", on: copy.trackingID, by: world.nationalAdmin,
                ["archive_reason": "duplicate", "duplicate_of": main.trackingID.lowercased()])
            let state = archived.json["report"] as! [String: Any]
            #expect(state["state"] as? String == "archived" && state["duplicate_of"] as? String == main.trackingID)
            #expect(((archived.json["event"] as! [String: Any])["details"] as! [String: Any])["duplicate_of"] as? String == main.trackingID)
            let self_ = try await world.act(
                "archive", on: main.trackingID, by: world.nationalAdmin, ["archive_reason": "duplicate", "duplicate_of": main.trackingID])
            #expect(self_.errorCode == "duplicate_of_itself")
            let unknown = try await world.act(
                "archive", on: main.trackingID, by: world.nationalAdmin, ["archive_reason": "duplicate", "duplicate_of": "ZZZZZ-ZZZZZ"])
            #expect(unknown.fieldErrors == ["duplicate_of:unknown"])
            let reopened = try await world.must(
                "reopen", on: copy.trackingID, by: world.nationalAdmin, ["reason": "Ternyata lokasinya berbeda"])
            #expect((reopened.json["report"] as! [String: Any])["state"] as? String == "verified")
            #expect((reopened.json["report"] as! [String: Any])["duplicate_of"] == nil)
        }
    }

    @Test func correctionsSitBesideTheReportersOriginalWords() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.submit(["classification": "aspirasi"])
            try await world.must(
                "correct", on: report.trackingID, by: world.nationalAdmin,
                [
                    "title": "Jalan berlubang, Jl. Raya Soreang km 3", "classification": "pengaduan",
                    "category_id": world.otherCategoryID, "tags": ["Jalan", "jalan", "Soreang"],
                ])
            let view = try await world.get("/api/v1/reports/\(report.trackingID)", as: world.nationalAdmin)
            #expect(view.json["title"] as? String == "Jalan berlubang, Jl. Raya Soreang km 3")
            #expect(view.json["classification"] as? String == "pengaduan")
            #expect(view.json["tags"] as? [String] == ["jalan", "soreang"])
            #expect((view.json["category"] as! [String: Any])["id"] as? Int64 == world.otherCategoryID)
            let original = view.json["original"] as! [String: Any]
            #expect(original["title"] as? String == "Jalan berlubang di depan pasar Soreang")
            #expect(original["classification"] as? String == "aspirasi" && original["subcategory_id"] as? Int64 == world.subcategoryID)
            let stored = try await ReportQueries.corrections(
                of: try #require(ReportQueries.find(trackingID: TrackingID(parsing: report.trackingID)!, on: app.db)?.id), on: app.db)
            #expect(stored.count == 1 && stored[0].userID == world.nationalAdmin.id)
            let invalid = try await world.act(
                "correct", on: report.trackingID, by: world.nationalAdmin, ["classification": "gosip", "category_id": 424242])
            #expect(invalid.fieldErrors == ["classification:invalid", "category_id:unknown"])
        }
    }

    @Test func oversightEscalatesOnceAndStaffAssignOnlyTheirOwnPeople() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            let escalated = try await world.must("escalate", on: report.trackingID, by: world.oversight, ["note": "Lewat batas waktu"])
            #expect((escalated.json["report"] as! [String: Any])["is_escalated"] as? Bool == true)
            #expect(try await world.act("escalate", on: report.trackingID, by: world.nationalAdmin).errorCode == "already_escalated")
            #expect(
                try await world.act("assign", on: report.trackingID, by: world.liaison, ["user_id": world.kemenkesLiaison.id]).errorCode
                    == "assignee_not_staff_of_holder")
            #expect(
                try await world.act("assign", on: report.trackingID, by: world.liaison, ["user_id": 987_654]).fieldErrors == [
                    "user_id:unknown"
                ])
        }
    }

    @Test func concurrentActionsOnOneReportQueueAndLoseNothing() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            let count = 24
            try await withThrowingTaskGroup(of: Reply.self) { group in
                for index in 0..<count {
                    group.addTask { try await world.act("note", on: report.trackingID, by: world.technician, ["text": "Catatan \(index)"]) }
                }
                for try await reply in group { #expect(reply.status == .ok, "\(reply.text)") }
            }
            let events =
                (try await world.get("/api/v1/reports/\(report.trackingID)/events", as: world.nationalAdmin)).json["items"]
                as! [[String: Any]]
            #expect(events.count == 3 + count)
            #expect(events.map { $0["seq"] as! Int } == Array(1...(3 + count)))
            #expect(Set(events.compactMap { $0["note"] as? String }).count == count)
        }
    }
}
