import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapServer

/// A whistle-blower's photo keeps nothing of its maker: on every way in, the stored and the served bytes hold none
/// of the planted metadata, and a broken picture is refused with nothing kept.
@Suite struct PhotoMetadataTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ImageMetadataTests/Fixtures")
    static let photos: [(name: String, type: String)] = [
        ("phone.jpg", "image/jpeg"), ("phone.png", "image/png"), ("phone.webp", "image/webp"), ("animated.gif", "image/gif"),
    ]

    static func photo(_ name: String) throws -> Data { try Data(contentsOf: fixtures.appendingPathComponent(name)) }

    /// Every file in the attachments folder, read back.
    func storedFiles(_ app: Application) throws -> [Data] {
        let root = app.tanggap.settings.attachmentsDirectory
        let paths = FileManager.default.enumerator(atPath: root)?.allObjects.compactMap { $0 as? String } ?? []
        return paths.compactMap { FileManager.default.contents(atPath: root + "/" + $0) }.filter { !$0.isEmpty }
    }

    func planted(_ data: Data) -> Bool { data.range(of: Data("PLANTED".utf8)) != nil }

    @Test func photosFiledThroughTheAPIAreStoredAndServedWithoutTheirMetadata() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            var form = Multipart()
            for (key, value) in world.reportFields(["is_anonymous": true]) { form.field(key, "\(value)") }
            for photo in Self.photos {
                #expect(planted(try Self.photo(photo.name)))
                form.file("attachments[]", filename: photo.name, contentType: photo.type, data: try Self.photo(photo.name))
            }
            let reply = try await app.request(.POST, "/api/v1/reports", multipart: form)
            #expect(reply.status == .created, "\(reply.text)")
            let receipt = try reply.receipt
            let files = try #require(receipt.report.attachments)
            #expect(files.map(\.name) == Self.photos.map(\.name))

            let stored = try storedFiles(app)
            #expect(stored.count == 4)
            #expect(!stored.contains(where: planted), "nothing planted on disk")
            for file in files {
                let served = try await world.get(file.url, secret: receipt.secret)
                #expect(served.status == .ok)
                #expect(!planted(served.body), "\(file.name) served clean")
                #expect(stored.contains(served.body), "what is served is what is stored")
            }
            // The size and digest on record are those of the clean file.
            struct Row: Decodable { let size: Int64, sha256: String }
            let rows = try await app.db.sql.raw("SELECT size, sha256 FROM attachments ORDER BY id").all(decoding: Row.self)
            #expect(Set(rows.map(\.size)) == Set(stored.map { Int64($0.count) }))
        }
    }

    @Test func aPhotoSentByEmailIsCleanedToo() async throws {
        let secret = "rahasia-uji-email"
        try await withTestApp(configure: { settings in
            var channels = ChannelSettings()
            channels.emailWebhookSecret = secret
            settings.channels = channels
        }) { app in
            _ = try await World.build(app)
            let jpeg = try Self.photo("phone.jpg")
            let raw = """
                From: Warga <warga@contoh.id>\r
                Subject: Jembatan retak di Desa Sukamaju\r
                Message-ID: <foto-1@contoh.id>\r
                MIME-Version: 1.0\r
                Content-Type: multipart/mixed; boundary="batas"\r
                \r
                --batas\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                Jembatan di Desa Sukamaju retak parah sejak hujan minggu lalu, mohon segera diperiksa.\r
                --batas\r
                Content-Type: image/jpeg; name="jembatan.jpg"\r
                Content-Disposition: attachment; filename="jembatan.jpg"\r
                Content-Transfer-Encoding: base64\r
                \r
                \(jpeg.base64EncodedString(options: .lineLength64Characters))\r
                --batas--\r

                """
            let time = String(Int(app.tanggap.clock.now().timeIntervalSince1970))
            let reply = try await app.request(
                .POST, "/webhooks/email",
                headers: [
                    ("X-Tanggap-Timestamp", time),
                    ("X-Tanggap-Signature", WebhookSignature.tanggapSignature(secret: secret, timestamp: time, body: Data(raw.utf8))),
                ], rawBody: raw, contentType: "message/rfc822")
            #expect(reply.status == .ok, "\(reply.text)")
            let stored = try storedFiles(app)
            #expect(stored.count == 1)
            #expect(!stored.contains(where: planted))
            #expect(stored.first.map { $0.count < jpeg.count && $0.starts(with: [0xFF, 0xD8]) } == true)
        }
    }

    @Test func aCutShortPhotoIsRefusedAndNothingIsKept() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let jpeg = try Self.photo("phone.jpg")
            let before = try await world.tableCounts()
            var form = Multipart()
            for (key, value) in world.reportFields() { form.field(key, "\(value)") }
            form.file("attachments[]", filename: "bukti.pdf", contentType: "application/pdf", data: SampleFiles.pdf)
            form.file("attachments[]", filename: "terpotong.jpg", contentType: "image/jpeg", data: jpeg.prefix(jpeg.count / 2))
            let reply = try await app.request(.POST, "/api/v1/reports", multipart: form, headers: [("Accept-Language", "id")])
            #expect(reply.status == .unprocessableEntity)
            #expect(reply.fieldErrors == ["attachments[1]:corrupt_file"])
            #expect(reply.text.contains("rusak atau terpotong"), "said in the reporter's language")
            #expect(try await world.tableCounts() == before)
            #expect(world.storedFileCount() == 0)
        }
    }

    @Test func aDocumentIsKeptExactlyAsSent() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let pdf = SampleFiles.pdf + Data("%% Author: PLANTED Nama Pelapor\n".utf8)
            var form = Multipart()
            for (key, value) in world.reportFields() { form.field(key, "\(value)") }
            form.file("attachments[]", filename: "surat.pdf", contentType: "application/pdf", data: pdf)
            let reply = try await app.request(.POST, "/api/v1/reports", multipart: form)
            #expect(reply.status == .created)
            #expect(try storedFiles(app) == [pdf], "documents are not rewritten: the form tells the reporter so")
        }
    }
}
