import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Channels on the server: reading e-mail, fitting messages to their channel, and the webhook path from a signed
/// message to a report, its record and its answer in the outbox — once, whatever the gateway repeats.
@Suite struct ChannelTests {
    @Test func anEmailWithEncodedSubjectQuotedTextAndAFileIsRead() throws {
        let png = Data(SampleFiles.png)
        let raw = """
            From: =?UTF-8?B?U2l0aSBOdXJoYWxpemE=?= <Siti@Contoh.ID>\r
            Subject: =?UTF-8?Q?Jalan_rusak_di_depan_SD?= =?UTF-8?Q?_Soreang?=\r
            Message-ID: <abc@contoh.id>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="batas"\r
            \r
            --batas\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Jalan di depan SD berlubang =E2=80=93 sudah sebulan.=\r
             Mohon diperbaiki.\r
            --batas\r
            Content-Type: image/png; name="foto.png"\r
            Content-Disposition: attachment; filename="foto.png"\r
            Content-Transfer-Encoding: base64\r
            \r
            \(png.base64EncodedString(options: .lineLength64Characters))\r
            --batas--\r

            """
        let mail: MIMEMessage
        do { mail = try MIMEMessage(raw: Data(raw.utf8)) } catch {
            Issue.record("\(error) \(raw.debugDescription)")
            return
        }
        #expect(mail.fromAddress == "Siti@Contoh.ID" && mail.fromName == "Siti Nurhaliza")
        #expect(mail.header("Subject") == "Jalan rusak di depan SD Soreang")
        #expect(mail.text == "Jalan di depan SD berlubang – sudah sebulan. Mohon diperbaiki.")
        #expect(mail.files.map(\.name) == ["foto.png"] && mail.files.first?.data == png)

        #expect(throws: (any Error).self) { try MIMEMessage(raw: Data("Content-Type: multipart/mixed\r\n\r\nno boundary".utf8)) }
        let quoted = "Terima kasih.\n\nPada Sen, 23 Nov 2026 Tanggap menulis:\n> Jawaban lama\n> lagi"
        #expect(MIMEMessage.newText(of: quoted) == "Terima kasih.")
        var generator = SystemRandomNumberGenerator()
        let id = TrackingID.generate(using: &generator)
        #expect(Conversation.trackingID(inSubject: "Re: Re: [Tanggap \(id.display)] Jalan rusak") == id)
        #expect(Conversation.trackingID(inSubject: "Fwd: laporan \(id.value.lowercased())") == id)
        #expect(Conversation.trackingID(inSubject: "Jalan rusak di depan sekolah") == nil)
    }

    @Test func messagesFitTheirChannel() {
        let long = String(repeating: "kata ", count: 200)
        let sms = ChannelText.fit(
            "Tanggap: Dinas menjawab laporan ABCDE-FGHJK:", long, " Balas: BALAS ABCDE-FGHJK <pesan>", limit: ChannelText.smsLimit)
        #expect(sms.count == ChannelText.smsLimit && sms.hasSuffix(" Balas: BALAS ABCDE-FGHJK <pesan>") && sms.contains("…"))
        #expect(ChannelText.fit("Halo.", nil, "", limit: 160) == "Halo.")
        #expect(ChannelText.fit("Halo:", "pendek", "", limit: 160) == "Halo: pendek")
    }

    static let secret = "rahasia-uji-sms"

    func withSMS(perSender: Int = 100, _ body: (Application, World) async throws -> Void) async throws {
        try await withTestApp(configure: { settings in
            var channels = ChannelSettings()
            // Nothing listens on port 9: every send fails, as with a gateway that is down.
            channels.sms = .init(webhookSecret: Self.secret, sendURL: "http://127.0.0.1:9/send", sendToken: "t")
            settings.channels = channels
            settings.rateLimits.channelMessagesPerMinute = perSender
            settings.jobBackoffSeconds = 1
        }) { app in
            try await body(app, try await World.build(app))
        }
    }

    func sms(
        _ app: Application, id: String, from sender: String, _ text: String, secret: String = secret, at timestamp: Date? = nil
    ) async throws -> Reply {
        let body = try JSONSerialization.data(withJSONObject: ["id": id, "sender": sender, "text": text])
        let time = String(Int((timestamp ?? app.tanggap.clock.now()).timeIntervalSince1970))
        return try await app.request(
            .POST, "/webhooks/sms",
            headers: [
                ("X-Tanggap-Timestamp", time),
                ("X-Tanggap-Signature", WebhookSignature.tanggapSignature(secret: secret, timestamp: time, body: body)),
            ], rawBody: String(decoding: body, as: UTF8.self), contentType: "application/json")
    }

    func count(_ app: Application, _ table: String) async throws -> Int {
        struct Row: Decodable { let n: Int }
        return try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: Row.self)!.n
    }

    @Test func aSignedLaporBecomesOneReportWithItsAnswerQueuedAndARedeliveryChangesNothing() async throws {
        try await withSMS { app, world in
            let reply = try await sms(app, id: "m-1", from: "0812 3456 7890", "LAPOR Lampu jalan di Soreang mati sejak Senin")
            #expect(reply.status == .ok, "\(reply.text)")
            let report = try #require(try await ReportModel.query(on: app.db).filter(\.$channel == .sms).first())
            #expect(report.replyAddress == "+6281234567890" && report.contacts.phone == "+6281234567890")
            #expect(report.title == "Lampu jalan di Soreang mati sejak Senin" && report.state == .received)
            let log = try await Deliveries.log(of: report.id!, access: ReportAccess(level: .staff, seesReporterIdentity: true), on: app.db)
            #expect(log.count == 1 && log[0].status == "pending" && log[0].body.contains(report.trackingID.display))

            let counts = (try await world.tableCounts(), try await count(app, "deliveries"), try await count(app, "jobs"))
            for _ in 0..<3 {
                #expect(
                    try await sms(app, id: "m-1", from: "+6281234567890", "LAPOR Lampu jalan di Soreang mati sejak Senin").status == .ok)
            }
            #expect(try await world.tableCounts() == counts.0)
            let after = (try await count(app, "deliveries"), try await count(app, "jobs"))
            #expect(after.0 == counts.1 && after.1 == counts.2)
        }
    }

    @Test func forgedStaleAndUnconfiguredWebhooksAreRefusedWithNothingWritten() async throws {
        try await withSMS(perSender: 2) { app, world in
            let before = try await world.tableCounts()
            #expect(try await sms(app, id: "x1", from: "081234567890", "LAPOR palsu sekali ini", secret: "salah").status == .unauthorized)
            let stale = app.tanggap.clock.now().addingTimeInterval(-600)
            #expect(try await sms(app, id: "x2", from: "081234567890", "LAPOR lama sekali ini", at: stale).status == .unauthorized)
            #expect(try await sms(app, id: "x3", from: "bukan nomor", "LAPOR pengirim aneh").status == .badRequest)
            let unsigned = try await app.request(.POST, "/webhooks/sms", json: ["id": "x4", "sender": "081234567890", "text": "LAPOR"])
            #expect(unsigned.status == .unauthorized && unsigned.json["error"] != nil)
            #expect(try await app.request(.POST, "/webhooks/telegram", json: ["update_id": 1]).status == .notFound)
            #expect(try await world.tableCounts() == before)
            #expect(try await count(app, "channel_messages") == 0)

            // Per sender: the third message in a minute waits (the gateway will deliver it again).
            for index in 0..<2 { #expect(try await sms(app, id: "r\(index)", from: "081200000001", "CEK 22222-22222").status == .ok) }
            #expect(try await sms(app, id: "r2", from: "081200000001", "CEK 22222-22222").status == .tooManyRequests)
            #expect(try await sms(app, id: "r3", from: "081200000002", "CEK 22222-22222").status == .ok, "another sender is not held up")
            #expect(try await count(app, "channel_messages") == 3)
        }
    }

    @Test func aMessageThatCannotBeSentIsRetriedThenMarkedFailedInTheDeadLetter() async throws {
        let clock = TestClock()
        try await withTestApp(
            clock: clock,
            configure: { settings in
                settings.channels.sms = .init(webhookSecret: Self.secret, sendURL: "http://127.0.0.1:9/send", sendToken: nil)
                settings.channels.gatewayTimeout = 0.2
                settings.jobBackoffSeconds = 1
            }
        ) { app in
            let now = clock.now
            try await Deliveries.enqueue(
                OutboundMessage(channel: .sms, address: "+6281234567890", body: "Halo"), reportID: nil, now: now, on: app.db)
            let worker = JobWorker(name: "uji", context: app.tanggap, db: app.db, logger: app.logger, periodic: [])
            for _ in 0..<Deliveries.maxAttempts {
                #expect(try await worker.runOnce() == 1)
                clock.advance(by: 3_600)
            }
            #expect(try await worker.runOnce() == 0)
            struct Row: Decodable {
                let status: String
                let attempts: Int
                let last_error: String?
            }
            let row = try #require(
                try await app.db.sql.select().columns("status", "attempts", "last_error").from("deliveries").first(decoding: Row.self))
            #expect(row.status == "failed" && row.attempts == Deliveries.maxAttempts)
            #expect(row.last_error?.contains("sms gateway") == true && row.last_error?.contains("127.0.0.1") == false, "no address in logs")
            struct Job: Decodable { let state: String }
            #expect(try await app.db.sql.select().column("state").from("jobs").first(decoding: Job.self)?.state == "dead")
        }
    }
}
