import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapServer

/// `/metrics`: behind its token, in Prometheus's format, with no person in any label.
@Suite(.serialized) struct MetricsTests {
    static let token = "metrics-token-0123456789"

    func scrape(_ app: Application, token: String? = Self.token) async throws -> Reply {
        try await app.request(.GET, "/metrics", token: token)
    }

    /// The value of the sample `name{labels}` (labels as written in the exposition), or nil.
    func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func withoutATokenSetThereIsNoMetricsRoute() async throws {
        try await withTestApp { app in
            let reply = try await scrape(app)
            #expect(reply.status == .notFound)
        }
    }

    @Test func theScrapeNeedsTheTokenAndCountsWhatHappened() async throws {
        try await withTestApp(configure: { $0.metricsToken = Self.token }) { app in
            let world = try await World.build(app)
            #expect(try await scrape(app, token: nil).status == .unauthorized)
            #expect(try await scrape(app, token: "metrics-token-012345678X").status == .unauthorized)
            let series = "tanggap_reports_received_total{channel=\"api\",classification=\"pengaduan\"}"
            let before = try await scrape(app)
            #expect(before.status == .ok && before.headers.contentType?.subType == "plain")
            _ = try await world.submit()
            let after = try await scrape(app).text
            // Other tests in this process count into the same registry: at least this one was counted.
            #expect((sample(after, series) ?? 0) >= (sample(before.text, series) ?? 0) + 1)
            #expect(after.contains("http_requests_total{method=\"POST\",path=\"/api/v1/reports\",status=\"201\"}"))
            #expect(after.contains("http_request_duration_seconds_bucket{"))
            #expect(sample(after, "tanggap_open_reports_by_light{light=\"green\"}") ?? 0 >= 1)
            #expect((sample(after, "process_resident_memory_bytes") ?? 0) > 1_000_000)
            #expect((sample(after, "process_open_fds") ?? 0) > 3)
            // A tracking ID is a route parameter, never a label value; no name, e-mail or number either.
            #expect(!after.contains("Asep Pelapor") && !after.contains("@") && !after.contains("081234567890"))
            let tracking = try #require(try await ReportModel.query(on: app.db).first()?.trackingID.value)
            _ = try await app.request(.GET, "/api/v1/reports/\(tracking)")
            let read = try await scrape(app).text
            #expect(!read.contains(tracking) && read.contains("path=\"/api/v1/reports/:tracking_id\""))
        }
    }

    @Test func waitingWorkIsReadAtTheScrapeAndGoesToZeroWhenDone() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock, configure: { $0.metricsToken = Self.token }) { app in
            let due = clock.now.addingTimeInterval(-90)
            try await JobQueue.enqueue(JobKinds.probe, payload: Probe.Payload(batch: "metrics"), runAt: due, on: app.db)
            try await app.db.sql.insert(into: "deliveries").columns("channel", "address", "body", "status", "created_at")
                .values(SQLBind("sms"), SQLBind("+6281234567890"), SQLBind("Laporan Anda diterima"), SQLBind("pending"), SQLBind(due)).run()
            let queued = try await scrape(app).text
            #expect(sample(queued, "tanggap_jobs{kind=\"diagnostic.probe\",state=\"queued\"}") == 1)
            #expect(sample(queued, "tanggap_jobs_oldest_age_seconds{kind=\"diagnostic.probe\"}") == 90)
            #expect(sample(queued, "tanggap_outbox_messages{channel=\"sms\",status=\"pending\"}") == 1)
            #expect(!queued.contains("+6281234567890") && !queued.contains("diterima"), "the message is not in the figures")

            try await app.runQueuedJobs()
            try await app.db.sql.update("deliveries").set("status", to: SQLBind("sent")).run()
            let done = try await scrape(app).text
            #expect(sample(done, "tanggap_jobs{kind=\"diagnostic.probe\",state=\"queued\"}") == 0)
            #expect(sample(done, "tanggap_outbox_messages{channel=\"sms\",status=\"pending\"}") == 0)
        }
    }
}
