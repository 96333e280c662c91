import Fluent
import Foundation
import Prometheus
import SQLKit
import Synchronization
import TanggapCore

/// The figures read at each scrape rather than counted: what waits in the job queue and the outboxes, the
/// deadline lights as the sweep last set them (from the report tallies, not by reading every report), and the
/// process's memory and open files. Each comes from small indexed reads.
enum MetricsSnapshot {
    static func refresh(context: TanggapContext, on db: any Database) async throws {
        let now = context.clock.now()
        // Every known kind and channel is written, at zero when nothing waits: an empty queue is a zero on the
        // dashboard, not a gap.
        var values: [Reading] = []
        for kind in JobKinds.handlers.keys.sorted() {
            for state in ["queued", "running", "dead"] { values.append(.init("jobs", Help.jobs, [("kind", kind), ("state", state)], 0)) }
            values.append(.init("jobs_oldest_age_seconds", Help.oldestJob, [("kind", kind)], 0))
        }
        for channel in [TanggapCore.Channel.sms, .whatsapp, .telegram, .email] {
            for status in ["pending", "sending", "failed"] {
                values.append(.init("outbox_messages", Help.outbox, [("channel", channel.rawValue), ("status", status)], 0))
            }
        }

        let jobs = try await db.sql.raw(
            "SELECT kind, state, COUNT(*) AS n, MIN(run_at) AS oldest FROM jobs WHERE state IN ('queued', 'running', 'dead') GROUP BY kind, state"
        ).all()
        for row in jobs {
            let kind = try row.decode(column: "kind", as: String.self)
            let state = try row.decode(column: "state", as: String.self)
            values.append(.init("jobs", Help.jobs, [("kind", kind), ("state", state)], try count(row)))
            if state == "queued", let oldest = try row.decode(column: "oldest", as: Date?.self) {
                values.append(
                    .init(
                        "jobs_oldest_age_seconds", Help.oldestJob, [("kind", kind)],
                        max(0, now.timeIntervalSince(oldest))))
            }
        }

        let deliveries = try await db.sql.raw(
            "SELECT channel, status, COUNT(*) AS n FROM deliveries WHERE status <> 'sent' GROUP BY channel, status"
        ).all()
        for row in deliveries {
            values.append(
                .init(
                    "outbox_messages", Help.outbox,
                    [
                        ("channel", try row.decode(column: "channel", as: String.self)),
                        ("status", try row.decode(column: "status", as: String.self)),
                    ],
                    try count(row)))
        }

        for peer in try await db.sql.select().column("id").from("federation_peers").all(decodingColumn: "id", as: Int64.self) {
            for state in ["queued", "dead"] {
                values.append(.init("federation_outbox_events", Help.federation, [("peer", String(peer)), ("state", state)], 0))
            }
        }
        let federation = try await db.sql.raw(
            "SELECT peer_id, state, COUNT(*) AS n FROM federation_outbox WHERE state <> 'delivered' GROUP BY peer_id, state"
        ).all()
        for row in federation {
            values.append(
                .init(
                    "federation_outbox_events", Help.federation,
                    [
                        ("peer", String(try row.decode(column: "peer_id", as: Int64.self))),
                        ("state", try row.decode(column: "state", as: String.self)),
                    ],
                    try count(row)))
        }

        let lights = try await db.sql.raw(
            "SELECT SUM(green) AS green, SUM(yellow) AS yellow, SUM(red) AS red FROM report_tallies WHERE direct = \(bind: true)"
        ).first()
        for light in ["green", "yellow", "red"] {
            let value = try lights?.decode(column: light, as: Int64?.self) ?? 0
            values.append(
                .init(
                    "open_reports_by_light", "Open reports by deadline light, as the sweep last set them.", [("light", light)],
                    Double(value)))
        }

        if context.settings.database.isPostgres { values += try await connections(on: db) }

        values.append(
            .init("process_resident_memory_bytes", "Resident memory of this process.", [], ProcessFigures.residentBytes(), namespace: nil))
        values.append(.init("process_open_fds", "Open file descriptors of this process.", [], ProcessFigures.openFiles(), namespace: nil))
        publish(values)
    }

    /// The database's connections by state, every process of the deployment together, and the server's limit: a
    /// pool exhausted shows as `active` near `max`, a leak as `idle_in_transaction` that does not fall. PostgreSQL
    /// only; an embedded SQLite has one connection per event loop, open for the process's life.
    private static func connections(on db: any Database) async throws -> [Reading] {
        var readings = ["active", "idle", "idle_in_transaction"].map {
            Reading("database_connections", Help.connections, [("state", $0)], 0)
        }
        let rows = try await db.sql.raw(
            """
            SELECT COALESCE(state, 'unknown') AS state, COUNT(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND backend_type = 'client backend' GROUP BY state
            """
        ).all()
        for row in rows {
            let state = try row.decode(column: "state", as: String.self).replacingOccurrences(of: " ", with: "_")
            readings.append(.init("database_connections", Help.connections, [("state", state)], try count(row)))
        }
        let limit = try await db.sql.raw("SELECT CAST(setting AS BIGINT) AS n FROM pg_settings WHERE name = 'max_connections'").first()
        readings.append(.init("database_connections_max", "PostgreSQL's max_connections.", [], try limit.map(count) ?? 0))
        return readings
    }

    private enum Help {
        static let connections = "Connections to the database by state, from every process (PostgreSQL's pg_stat_activity)."
        static let jobs = "Background jobs by kind and state (queued, running, dead)."
        static let oldestJob = "How long the oldest queued job of a kind has been due."
        static let federation = "Events for partner instances waiting (queued) or given up (dead), by peer."
        static let outbox = "Messages to reporters not sent yet (pending, sending) or given up (failed), by channel."
    }

    private static func count(_ row: any SQLRow) throws -> Double {
        Double(try row.decode(column: "n", as: Int64.self))
    }

    /// One gauge's value at this scrape.
    struct Reading {
        let name: String
        let help: String
        let labels: [(String, String)]
        let value: Double
        var namespace: String? = "tanggap"

        init(_ name: String, _ help: String, _ labels: [(String, String)], _ value: Double, namespace: String? = "tanggap") {
            self.name = name
            self.help = help
            self.labels = labels
            self.value = value
            self.namespace = namespace
        }

        var key: String { "\(name)|" + labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",") }
    }

    /// The gauges set at the last scrape: one not read again this time (a queue that emptied) goes to zero.
    private static let lastSet = Mutex<[String: Prometheus.Gauge]>([:])

    private static func publish(_ readings: [Reading]) {
        var now: [String: Prometheus.Gauge] = [:]
        for reading in readings {
            let gauge = ServerMetrics.registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: reading.namespace, metricName: reading.name, unitName: "", helpText: reading.help),
                labels: reading.labels)
            gauge.set(to: reading.value)
            now[reading.key] = gauge
        }
        lastSet.withLock { last in
            for (key, gauge) in last where now[key] == nil { gauge.set(to: 0) }
            last.merge(now) { $1 }
        }
    }
}

/// The process as the kernel sees it (Linux's /proc; zero elsewhere).
enum ProcessFigures {
    static func residentBytes() -> Double {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func openFiles() -> Double {
        Double((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.count ?? 0)
    }
}
