import Fluent
import Foundation
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// The plain inserts of a new report and event write what Fluent's models hold: every column, read back the same.
@Suite struct NewRowsTests {
    @Test func theColumnListsNameEveryFieldOfTheModels() {
        func names(_ columns: String) -> Set<String> {
            Set(columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        }
        #expect(names(ReportModel.rowColumns) == Set(ReportModel.keys.map(\.description)).subtracting(["id"]))
        #expect(names(ReportEventModel.rowColumns) == Set(ReportEventModel.keys.map(\.description)).subtracting(["id"]))
    }

    @Test func newRowsStoreWhatTheModelHolds() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let now = Date(timeIntervalSince1970: 1_790_000_000)
            let report = ReportModel()
            report.trackingID = TrackingID(stored: "ABCDEFGH23")
            report.secretDigest = "digest"
            report.originalTitle = "Judul asli"
            report.originalClassification = .aspirasi
            report.originalCategoryID = world.categoryID
            report.originalSubcategoryID = world.subcategoryID
            report.body = "Isi laporan dengan 'kutip' dan \"petik\"; DROP TABLE reports; <script>"
            report.title = "Judul"
            report.classification = .pengaduan
            report.categoryID = world.categoryID
            report.subcategoryID = world.subcategoryID
            report.tags = JSONText(["jalan"])
            report.eventDate = "2026-11-01"
            report.locationText = "Soreang"
            report.regionID = world.regionID
            report.latitude = -7.025
            report.longitude = 107.52
            report.targetInstitutionID = world.upt.id
            report.holderID = world.upt.id
            report.holderPath = world.upt.path.encoded
            report.assigneeID = world.technician.id
            report.state = .dispatched
            report.stateBeforeHold = .verified
            report.isVerified = true
            report.isEscalated = true
            report.archiveReason = .duplicate
            report.rating = .satisfied
            report.isAnonymous = true
            report.isConfidential = true
            report.isPublic = true
            report.channel = .sms
            report.reporterUserID = world.citizen.id
            report.record(
                reporter: ReporterIdentity(name: "Warga", email: "warga@contoh.id", phone: "081234567890", userID: report.reporterUserID))
            report.createdAt = now
            report.updatedAt = now.addingTimeInterval(1)
            report.verifiedAt = now.addingTimeInterval(2)
            report.dispatchedAt = now.addingTimeInterval(3)
            report.firstAnsweredAt = now.addingTimeInterval(4)
            report.completedAt = now.addingTimeInterval(5)
            report.archivedAt = now.addingTimeInterval(6)
            report.escalatedAt = now.addingTimeInterval(7)
            report.ratedAt = now.addingTimeInterval(8)
            report.sla = SLAStatus(
                stage: .answer, stageStartedAt: now, stageDueAt: now.addingTimeInterval(86_400), yellowAt: now.addingTimeInterval(43_200),
                light: .yellow, caseDueAt: now.addingTimeInterval(864_000), heldAt: now.addingTimeInterval(9), ladderRung: 2,
                nextCheckAt: now.addingTimeInterval(10))
            report.eventCount = 3
            report.version = 4
            report.supportCount = 5
            report.commentCount = 6
            report.firstAnswerLate = true
            report.replyAddress = "+6281234567890"
            report.wasBounced = true
            report.firstAnswerWorkingDays = 7
            try await report.insertRow(on: app.db)
            // The same values once more, now pointing at the first as its duplicate: every column set.
            let first = try #require(report.id)
            report.trackingID = TrackingID(stored: "ABCDEFGH24")
            report.duplicateOfID = first
            try await report.insertRow(on: app.db)
            #expect(report.id != first)
            let stored = try #require(try await ReportModel.find(report.id, on: app.db))
            #expect(try fields(of: stored) == fields(of: report))

            let event = ReportEventModel()
            event.reportID = report.id!
            event.seq = 1
            event.kind = .submitted
            event.at = now
            event.actorKind = "user"
            event.actorUserID = world.liaison.id
            event.actorInstitutionID = world.pemkab.id
            event.fromState = .received
            event.toState = .verified
            event.fromInstitutionID = world.pemkab.id
            event.toInstitutionID = world.upt.id
            event.note = "Catatan"
            event.channel = .web
            event.audience = .staff
            event.details = "{\"due_at\":\"2026-12-03T16:59:59Z\"}"
            try await event.insertRow(on: app.db)
            let storedEvent = try #require(try await ReportEventModel.find(event.id, on: app.db))
            #expect(try fields(of: storedEvent) == fields(of: event))
        }
    }

    /// A model's fields as Fluent encodes them, for comparing every column at once.
    private func fields(of model: some Model) throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let object = try JSONSerialization.jsonObject(with: encoder.encode(model)) as! [String: Any]
        return object.mapValues { "\($0)" }
    }
}
