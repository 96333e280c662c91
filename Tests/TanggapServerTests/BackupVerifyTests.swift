import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapServer

/// `tanggap verify` finds what a damaged deployment lacks, and a backup's manifest names a damaged file.
@Suite struct BackupVerifyTests {
    static func fileWithPhoto(_ world: World, _ app: Application) async throws {
        var form = Multipart()
        for (name, value) in world.reportFields().sorted(by: { $0.key < $1.key }) { form.field(name, "\(value)") }
        form.file("attachments[]", filename: "bukti.png", contentType: "image/png", data: SampleFiles.png)
        #expect(try await app.request(.POST, "/api/v1/reports", multipart: form).status == .created)
    }

    @Test func verifyFindsAMissingFileADamagedFigureAHistoryOutOfStepAndListsOrphans() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            try await Self.fileWithPhoto(world, app)
            _ = try await world.submit()
            let clean = try await Verify.run(app)
            #expect(clean.isClean && clean.reports == 2 && clean.attachments == 1 && clean.orphans.isEmpty, "\(clean)")

            let folder = app.tanggap.settings.attachmentsDirectory
            let key = try #require(
                try await app.db.sql.raw("SELECT storage_key FROM attachments").first(decodingColumn: "storage_key", as: String.self))
            let file = "\(folder)/\(key.prefix(2))/\(key.dropFirst(2).prefix(2))/\(key)"
            try FileManager.default.removeItem(atPath: file)
            let orphan = AttachmentStore.randomKey()
            _ = try await app.tanggap.attachments.backend.put(orphan, Data("sisa".utf8))
            try Data("catatan".utf8).write(to: URL(fileURLWithPath: folder + "/BACA-SAYA.txt"))  // not ours: not listed
            try await app.db.sql.raw("UPDATE report_tallies SET green = green + 1 WHERE direct = \(bind: true)").run()
            try await app.db.sql.raw("UPDATE reports SET event_count = event_count + 1").run()
            let broken = try await Verify.run(app)
            #expect(!broken.isClean)
            #expect(broken.problems.contains { $0.contains("attachment file(s) missing") }, "\(broken)")
            #expect(broken.problems.contains { $0.contains("figure row(s) differ") }, "\(broken)")
            #expect(broken.problems.contains { $0.contains("2 report(s) whose event count") }, "\(broken)")
            #expect(broken.orphans == [orphan])
        }
    }

    /// The sweeper removes a file no row names once it is older than the grace period, and nothing else: not a
    /// named file, not a young orphan, not a file whose name is not one of ours.
    @Test func theSweeperRemovesOnlyOldFilesNoReportNames() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            try await Self.fileWithPhoto(world, app)
            let store = app.tanggap.attachments
            let named = try #require(
                try await app.db.sql.raw("SELECT storage_key FROM attachments").first(decodingColumn: "storage_key", as: String.self))
            let orphan = AttachmentStore.randomKey()
            try await store.backend.put(orphan, Data("sisa".utf8))
            let foreign = app.tanggap.settings.attachmentsDirectory + "/BACA-SAYA.txt"
            try Data("catatan".utf8).write(to: URL(fileURLWithPath: foreign))
            let now = Date()

            let young = try await OrphanSweeper.sweep(store, grace: 3_600, now: now, on: app.db)
            #expect(young.examined == 2 && young.removed == 0)
            let old = try await OrphanSweeper.sweep(store, grace: 3_600, now: now.addingTimeInterval(7_200), on: app.db)
            #expect(old.examined == 2 && old.removed == 1)
            #expect(try await store.backend.get(orphan, upTo: 1_000) == nil)
            #expect(try await store.backend.get(named, upTo: 1_000_000) != nil)
            #expect(FileManager.default.fileExists(atPath: foreign))
        }
    }

    @Test func aManifestNamesTheFileThatDoesNotMatchAndRefusesPathsOutsideTheBackup() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanggap-backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/attachments/ab/cd", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("basis data".utf8).write(to: URL(fileURLWithPath: folder + "/database.sqlite"))
        try Data("foto".utf8).write(to: URL(fileURLWithPath: folder + "/attachments/ab/cd/abcd01"))
        let files = try ["database.sqlite", "attachments/ab/cd/abcd01"].map { try BackupManifest.describe(folder + "/" + $0, as: $0) }
        var manifest = BackupManifest(
            version: "0.2.0", schema: "M0037", engine: "sqlite", createdAt: Date(), counts: ["reports": 0], files: files)
        try manifest.write(to: folder)
        #expect(try Restore.check(folder).files == files)

        try Data("fotO".utf8).write(to: URL(fileURLWithPath: folder + "/attachments/ab/cd/abcd01"))
        #expect(throws: BackupError.self) { try Restore.check(folder) }
        do {
            _ = try Restore.check(folder)
        } catch {
            #expect("\(error)".contains("attachments/ab/cd/abcd01") && "\(error)".contains("SHA-256"))
        }
        manifest.files = [BackupManifest.File(path: "../../etc/passwd", bytes: 1, sha256: "00")]
        try manifest.write(to: folder)
        #expect(throws: BackupError.self) { try Restore.check(folder) }
        try FileManager.default.removeItem(atPath: folder + "/" + BackupManifest.fileName)
        #expect(throws: BackupError.self) { try Restore.check(folder) }
    }
}
