import Fluent
import Foundation
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

@Suite struct SubmissionTests {
    @Test func aVisitorGetsATrackingIDAndASecretAndTheReportIsStored() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let submitted = try await world.submit()
            let id = try #require(TrackingID(parsing: submitted.trackingID))
            #expect(submitted.trackingID.count == 11 && submitted.trackingID.contains("-"))
            #expect(submitted.secret?.count == 19)
            #expect(submitted.reply.headers.first(name: .location) == "/api/v1/reports/\(id.value)")
            #expect(submitted.reply.headers.first(name: .cacheControl) == "no-store")
            // The answer names where the report starts, from what intake looked up rather than a second read.
            #expect(try submitted.reply.receipt.report.holder.name == world.national.name)

            // Acknowledged means stored: the row, its first event and its route are in the database.
            let stored = try #require(try await ReportModel.query(on: app.db).filter(\.$trackingID == id).first())
            #expect(stored.state == .received && stored.holderID == world.national.id && stored.channel == .api)
            #expect(stored.reporterUserID == nil && stored.secretDigest != nil && stored.secretDigest != submitted.secret)
            let events = try await ReportHistory.events(of: stored.id!, on: app.db)
            #expect(events.map(\.kind) == [.submitted] && events[0].seq == 1)
            #expect(try await ReportHistory.route(of: stored.id!, on: app.db) == [world.national.path])

            // The tracking ID is case-insensitive and the secret shows the reporter's own view.
            let mine = try await world.get("/api/v1/reports/\(id.value.lowercased())", secret: submitted.secret!.lowercased())
            #expect(mine.status == .ok)
            #expect(try mine.report.access == "reporter")
            #expect(try mine.report.reporter?.phone == "+6281234567890")
        }
    }

    @Test func aReportNamingAnInstitutionStartsThere() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let submitted = try await world.submit(["target_institution_id": world.dinas.id])
            let report = try submitted.reply.receipt.report
            #expect(report.holder.id == world.dinas.id)
            #expect(report.holder.name == world.dinas.name)
            #expect(report.targetInstitution?.name == world.dinas.name)
        }
    }

    @Test func aCitizenWithAnAccountGetsNoSecretAndFindsTheReportAsTheirs() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let submitted = try await world.submit(["reporter_name": NSNull(), "reporter_phone": NSNull()], by: world.citizen)
            #expect(submitted.secret == nil)
            let mine = try await world.get("/api/v1/reports?mine=true", as: world.citizen)
            let items = try mine.decode(TanggapServer.Page<ReportRepresentation>.self).items
            #expect(items.map(\.trackingID) == [submitted.trackingID])
            #expect(items[0].reporter?.email == "siti@warga.test")
            #expect(try await world.get("/api/v1/reports?mine=true").errorCode == "authentication_required")
        }
    }

    @Test func anOperatorTypesInAWalkInForSomeoneElse() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let submitted = try await world.submit(["channel": "walk_in", "reporter_name": "Ibu Euis"], by: world.channelOperator)
            #expect(submitted.secret != nil, "the walk-in reporter gets the secret through the operator")
            let stored = try #require(
                try await ReportModel.query(on: app.db).filter(\.$trackingID == TrackingID(parsing: submitted.trackingID)!).first())
            #expect(
                stored.reporterUserID == nil && stored.channel == .walkIn
                    && stored.reporter(for: ReportAccess(level: .staff, seesReporterIdentity: true))?.name == "Ibu Euis")
            let event = try await ReportHistory.events(of: stored.id!, on: app.db)[0]
            #expect(event.actorUserID == world.channelOperator.id && event.channel == .walkIn)
            // A citizen may not claim an offline channel.
            let refused = try await app.request(
                .POST, "/api/v1/reports", token: world.citizen.token, json: world.reportFields(["channel": "radio"]))
            #expect(refused.status == .unprocessableEntity && refused.fieldErrors == ["channel:not_allowed"])
        }
    }

    @Test func attachmentsTravelAsMultipartAndAreKeptOutsideTheDatabase() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var form = Multipart()
            for (key, value) in world.reportFields() { form.field(key, "\(value)") }
            form.file("attachments[]", filename: "lubang.png", contentType: "image/png", data: SampleFiles.png)
            form.file("attachments[]", filename: "surat.pdf", contentType: "application/pdf", data: SampleFiles.pdf)
            let reply = try await app.request(.POST, "/api/v1/reports", multipart: form)
            #expect(reply.status == .created, "\(reply.text)")
            let receipt = try reply.receipt
            let files = try #require(receipt.report.attachments)
            #expect(files.map(\.name) == ["lubang.png", "surat.pdf"])
            #expect(files.map(\.contentType) == ["image/png", "application/pdf"])
            #expect(world.storedFileCount() == 2)

            let download = try await world.get(files[0].url, secret: receipt.secret)
            #expect(download.status == .ok && download.body == SampleFiles.png)
            #expect(download.headers.first(name: .contentType) == "image/png")
            #expect(download.headers.first(name: "Content-Security-Policy")?.contains("sandbox") == true)
            let pdf = try await world.get(files[1].url, secret: receipt.secret)
            #expect(pdf.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
        }
    }

    @Test func theAttachmentLimitIsASetting() async throws {
        try await withTestApp(configure: { $0.attachmentLimitBytes = 1_000 }) { app in
            let world = try await World.build(app)
            var form = Multipart()
            for (key, value) in world.reportFields() { form.field(key, "\(value)") }
            form.file("attachments[]", filename: "besar.pdf", data: SampleFiles.pdf + Data(repeating: 0x20, count: 1_200))
            let reply = try await app.request(.POST, "/api/v1/reports", multipart: form)
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.fieldErrors == ["attachments:too_large"])
        }
    }

    @Test func trackingIDsAreUniqueAcrossManyReports() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var seen = Set<String>()
            for _ in 0..<40 { seen.insert(try await world.submit().trackingID) }
            #expect(seen.count == 40)
        }
    }
}
