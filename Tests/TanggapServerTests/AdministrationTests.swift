import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Administrative changes leave a record that cannot be rewritten.
@Suite struct AdministrationTests {
    @Test func changesThroughTheAPIAreRecordedAndTheRecordIsAppendOnly() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let added = try await app.request(
                .POST, "/api/v1/holidays", token: world.pemkabAdmin.token,
                json: ["institution_id": world.pemkab.id, "date": "2026-12-28", "name": "Hari Jadi Kabupaten"])
            #expect(added.status == .created, "\(added.text)")
            let limits = try await app.request(
                .PUT, "/api/v1/sla", token: world.pemkabAdmin.token,
                json: ["institution_id": world.pemkab.id, "answer": ["amount": 7, "unit": "working_days"]])
            #expect(limits.status == .ok, "\(limits.text)")
            let entries = try await AdminAudit.recent(under: world.national.path, on: app.db)
            #expect(entries.map(\.action) == ["sla_set", "holiday_added"])
            #expect(entries.allSatisfy { $0.actor == world.pemkabAdmin.user.name && $0.institution == world.pemkab.name })
            #expect(entries.last?.details.contains("Hari Jadi Kabupaten") == true)

            // Refused by the database itself, on both engines.
            await #expect(throws: (any Error).self) { try await app.db.sql.raw("UPDATE admin_audit SET action = 'x'").run() }
            await #expect(throws: (any Error).self) { try await app.db.sql.raw("DELETE FROM admin_audit").run() }
            #expect(try await AdminAudit.recent(under: world.national.path, on: app.db).count == 2)
        }
    }

    @Test func onlyANationalAdminMakesNationalAdminsAndOversight() {
        let pemkab = InstitutionPath([1, 2]), dinas = InstitutionPath([1, 2, 3])
        let regencyAdmin = UserActor(id: 2, grants: [RoleGrant(.institutionAdmin, on: pemkab)])
        let national = UserActor(id: 1, grants: [RoleGrant(.nationalAdmin, on: InstitutionPath([1]))])
        #expect(AdministrationPolicy.mayGrant(.liaisonOfficer, on: dinas, by: regencyAdmin))
        #expect(!AdministrationPolicy.mayGrant(.liaisonOfficer, on: InstitutionPath([1, 5]), by: regencyAdmin))
        #expect(!AdministrationPolicy.mayGrant(.oversight, on: dinas, by: regencyAdmin))
        #expect(!AdministrationPolicy.mayGrant(.nationalAdmin, on: pemkab, by: regencyAdmin))
        #expect(AdministrationPolicy.mayGrant(.oversight, on: dinas, by: national))
    }

    @Test func theReportersOfADuplicateFollowTheMainReport() async throws {
        try await withTestApp { app in
            app.tanggap.mailer = RecordingMailer()
            let world = try await World.build(app)
            let main = try await world.dispatchedToDinas(["reporter_email": "utama@warga.test"])
            let copy = try await world.submit(["target_institution_id": world.pemkab.id, "reporter_email": "kembar@warga.test"])
            try await world.must(
                .archive, on: copy.trackingID, by: world.pemkabAdmin,
                ["archive_reason": "duplicate", "duplicate_of": main.trackingID])
            try await world.must(.answer, on: main.trackingID, by: world.liaison, ["text": "Lubang sudah ditambal."])

            struct Row: Decodable {
                let address: String
                let body: String
            }
            let sent = try await app.db.sql.raw("SELECT address, body FROM deliveries ORDER BY id").all(decoding: Row.self)
            let toCopy = sent.filter { $0.address == "kembar@warga.test" }.map(\.body)
            #expect(toCopy.count == 2, "\(toCopy)")
            #expect(toCopy.first?.contains(main.trackingID) == true && toCopy.first?.contains("digabung") == true)
            #expect(toCopy.last?.contains("Lubang sudah ditambal.") == true && toCopy.last?.contains(main.trackingID) == true)
            #expect(sent.contains { $0.address == "utama@warga.test" && $0.body.contains("Lubang sudah ditambal.") })
        }
    }
}
