import CoreMetrics
import Foundation
import Prometheus
import Synchronization
import TanggapCore
import Vapor

/// `GET /metrics` in Prometheus's text format, for the deployment's Prometheus, behind a bearer token
/// (`TANGGAP_METRICS_TOKEN`); without one there is no route and nothing is counted.
///
/// Counted as things happen: HTTP requests by route template, method and status with their latency (Vapor's own
/// metrics, through swift-metrics) and reports received by channel and classification. Read from the database at
/// each scrape (`MetricsSnapshot`): the job queue, the outboxes, the deadline lights, and the process itself. No
/// label ever holds a person's name, address or number: only route templates, kinds, channels and peer ids.
enum ServerMetrics {
    /// One registry for the process: swift-metrics has one factory per process, whatever the applications in it.
    static let registry = PrometheusCollectorRegistry()
    private static let started = Mutex(false)

    static var isOn: Bool { started.withLock { $0 } }

    /// Sends swift-metrics (Vapor's HTTP counters and timers) to the registry; the first call in a process wins.
    static func start() {
        started.withLock { started in
            guard !started else { return }
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = [
                .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
            ]
            MetricsSystem.bootstrap(factory)
            started = true
        }
    }

    static func register(_ app: Application, token: String) {
        start()
        app.get("metrics") { req async throws -> Response in
            guard let sent = req.headers.bearerAuthorization?.token, constantTimeEqual(sent, token) else {
                throw APIError.authenticationRequired
            }
            try await MetricsSnapshot.refresh(context: req.tanggap, on: req.db)
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
            headers.cacheControl = .init(noStore: true)
            return Response(status: .ok, headers: headers, body: .init(string: registry.emitToString()))
        }
    }

    /// A report stored: counted once it is committed, by how it came and what it is.
    static func reportReceived(channel: TanggapCore.Channel, classification: Classification) {
        guard isOn else { return }
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "tanggap", metricName: "reports_received", unitName: "total",
                helpText: "Reports stored, by channel and classification."),
            labels: [("channel", channel.rawValue), ("classification", classification.rawValue)]
        ).increment()
    }
}
