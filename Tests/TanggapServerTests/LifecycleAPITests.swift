import Fluent
import Foundation
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// The whole life of a report through the API, with the history each step leaves.
@Suite struct LifecycleAPITests {
    func kinds(_ world: World, _ trackingID: String, as person: Person) async throws -> [EventKind] {
        let reply = try await world.get("/api/v1/reports/\(trackingID)/events", as: person)
        return try reply.events.map(\.kind)
    }

    @Test func fromSubmissionToARating() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.submit()
            let id = report.trackingID
            try await world.must(.verify, on: id, by: world.nationalAdmin)
            try await world.must(
                .dispatch, on: id, by: world.nationalAdmin, ["institution_id": world.pemkab.id, "note": "Kewenangan kabupaten"])
            try await world.must(.dispatch, on: id, by: world.pemkabAdmin, ["institution_id": world.dinas.id])
            try await world.must(.assign, on: id, by: world.liaison, ["user_id": world.technician.id])
            try await world.must(.note, on: id, by: world.technician, ["text": "Sudah survei, perlu 2 m3 aspal"])
            let answered = try await world.must(.answer, on: id, by: world.liaison, ["text": "Lubang sudah ditambal pada 20 November."])
            #expect(try answered.acted.report.state == .answered)
            let replied = try await world.must(.reply, on: id, secret: report.secret, ["text": "Masih ada satu lubang di sisi utara."])
            #expect(try replied.acted.report.state == .dispatched)
            try await world.must(.answer, on: id, by: world.liaison, ["text": "Sisi utara sudah ditambal."])
            try await world.must(.confirm, on: id, secret: report.secret)
            let rated = try await world.must(
                .rate, on: id, secret: report.secret, ["rating": "satisfied", "comment": "Cepat, terima kasih"])
            let final = try rated.acted.report
            #expect(final.state == .completed && final.rating == .satisfied)
            #expect(final.completedAt != nil && final.firstAnsweredAt != nil && final.dispatchedAt != nil)

            #expect(
                try await kinds(world, id, as: world.nationalAdmin) == [
                    .submitted, .verify, .dispatch, .dispatch, .assign, .note, .answer, .reply, .answer, .confirm, .rate,
                ])
            let events = try await world.get("/api/v1/reports/\(id)/events", as: world.nationalAdmin).events
            #expect(events.map(\.seq) == Array(1...11))
            let dispatch = events[2]
            #expect(dispatch.fromInstitution.id == world.national.id)
            #expect(dispatch.toInstitution.id == world.pemkab.id)
            #expect(dispatch.note == "Kewenangan kabupaten")
            #expect(events[4].details?.assignee != nil)
            // The reporter reads the public events and their own exchange, but not internal work.
            #expect(try await kinds(world, id, as: world.citizen).contains(.note) == false)
            let reporterView = try await world.get("/api/v1/reports/\(id)/events", secret: report.secret).events
            #expect(
                reporterView.map(\.kind) == [
                    .submitted, .verify, .dispatch, .dispatch, .answer, .reply, .answer, .confirm, .rate,
                ])
        }
    }

    @Test func holdWaitsForTheReporterAndResumesWhereItWas() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            let held = try await world.must(.hold, on: report.trackingID, by: world.liaison, ["question": "Mohon foto lokasi."])
            #expect(try held.acted.report.state == .onHold)
            var form = Multipart()
            form.field("text", "Ini fotonya.")
            form.file("attachments[]", filename: "lokasi.jpg", contentType: "image/jpeg", data: SampleFiles.jpeg)
            let reply = try await app.request(.POST, "/api/v1/reports/\(report.trackingID)/reply", secret: report.secret, multipart: form)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try reply.acted.report.state == .dispatched)
            #expect(try reply.acted.event?.attachments.count == 1)
        }
    }

    @Test func notOurAuthorityReturnsTheReportOneLevelUpAndItIsRoutedAgain() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            let bounced = try await world.must(
                .notOurAuthority, on: report.trackingID, by: world.liaison, ["reason": "Jalan provinsi, bukan kabupaten"])
            let state = try bounced.acted.report
            #expect(state.state == .verified)
            #expect(state.holder.id == world.pemkab.id)
            // The liaison still sees the report it passed through, but can no longer act on it.
            let seen = try await world.get("/api/v1/reports/\(report.trackingID)", as: world.liaison)
            #expect(try seen.status == .ok && seen.report.actions == [])
            try await world.must(.notOurAuthority, on: report.trackingID, by: world.pemkabAdmin, ["reason": "Kewenangan Kemenkes"])
            try await world.must(.dispatch, on: report.trackingID, by: world.nationalAdmin, ["institution_id": world.kemenkes.id])
            try await world.must(.dispatch, on: report.trackingID, by: world.kemenkesAdmin, ["institution_id": world.direktorat.id])
            try await world.must(.answer, on: report.trackingID, by: world.kemenkesLiaison, ["text": "Ditangani Direktorat."])
        }
    }

    @Test func aDuplicatePointsToTheMainReportAndReopeningUndoesIt() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let main = try await world.submit()
            let copy = try await world.submit()
            try await world.must(.verify, on: copy.trackingID, by: world.nationalAdmin)
            let archived = try await world.must(
                .archive, on: copy.trackingID, by: world.nationalAdmin,
                ["archive_reason": "duplicate", "duplicate_of": main.trackingID.lowercased()])
            let state = try archived.acted.report
            #expect(state.state == .archived && state.duplicateOf == main.trackingID)
            #expect(try archived.acted.event?.details?.duplicateOf == main.trackingID)
            let self_ = try await world.act(
                .archive, on: main.trackingID, by: world.nationalAdmin, ["archive_reason": "duplicate", "duplicate_of": main.trackingID])
            #expect(self_.errorCode == "duplicate_of_itself")
            let unknown = try await world.act(
                .archive, on: main.trackingID, by: world.nationalAdmin, ["archive_reason": "duplicate", "duplicate_of": "ZZZZZ-ZZZZZ"])
            #expect(unknown.fieldErrors == ["duplicate_of:unknown"])
            let reopened = try await world.must(
                .reopen, on: copy.trackingID, by: world.nationalAdmin, ["reason": "Ternyata lokasinya berbeda"])
            #expect(try reopened.acted.report.state == .verified)
            #expect(try reopened.acted.report.duplicateOf == nil)
        }
    }

    @Test func correctionsSitBesideTheReportersOriginalWords() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.submit(["classification": "aspirasi"])
            try await world.must(
                .correct, on: report.trackingID, by: world.nationalAdmin,
                [
                    "title": "Jalan berlubang, Jl. Raya Soreang km 3", "classification": "pengaduan",
                    "category_id": world.otherCategoryID, "tags": ["Jalan", "jalan", "Soreang"],
                ])
            let view = try await world.get("/api/v1/reports/\(report.trackingID)", as: world.nationalAdmin).report
            #expect(view.title == "Jalan berlubang, Jl. Raya Soreang km 3")
            #expect(view.classification == .pengaduan)
            #expect(view.tags == ["jalan", "soreang"])
            #expect(view.category?.id == world.otherCategoryID)
            #expect(view.original.title == "Jalan berlubang di depan pasar Soreang")
            #expect(view.original.classification == .aspirasi && view.original.subcategoryID == world.subcategoryID)
            let stored = try await ReportQueries.corrections(
                of: try #require(ReportQueries.find(trackingID: TrackingID(parsing: report.trackingID)!, on: app.db)?.id), on: app.db)
            #expect(stored.count == 1 && stored[0].userID == world.nationalAdmin.id)
            let invalid = try await world.act(
                .correct, on: report.trackingID, by: world.nationalAdmin, ["classification": "gosip", "category_id": 424242])
            #expect(invalid.fieldErrors == ["classification:invalid", "category_id:unknown"])
        }
    }

    @Test func oversightEscalatesOnceAndStaffAssignOnlyTheirOwnPeople() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.dispatchedToDinas()
            let escalated = try await world.must(.escalate, on: report.trackingID, by: world.oversight, ["note": "Lewat batas waktu"])
            #expect(try escalated.acted.report.isEscalated)
            #expect(try await world.act(.escalate, on: report.trackingID, by: world.nationalAdmin).errorCode == "already_escalated")
            #expect(
                try await world.act(.assign, on: report.trackingID, by: world.liaison, ["user_id": world.kemenkesLiaison.id]).errorCode
                    == "assignee_not_staff_of_holder")
            #expect(
                try await world.act(.assign, on: report.trackingID, by: world.liaison, ["user_id": 987_654]).fieldErrors == [
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
                    group.addTask { try await world.act(.note, on: report.trackingID, by: world.technician, ["text": "Catatan \(index)"]) }
                }
                for try await reply in group { #expect(reply.status == .ok, "\(reply.text)") }
            }
            let events = try await world.get("/api/v1/reports/\(report.trackingID)/events", as: world.nationalAdmin).events
            #expect(events.count == 3 + count)
            #expect(events.map(\.seq) == Array(1...(3 + count)))
            #expect(Set(events.compactMap(\.note)).count == count)
        }
    }
}
