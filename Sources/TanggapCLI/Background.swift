import ArgumentParser
import Foundation
import TanggapServer
import Vapor

struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run background work alone (jobs, reminders, the SLA sweep), so it can be scaled apart from `serve`.")

    @ArgumentParser.Option(help: "How many job loops to run.") var loops = 2

    func run() async throws {
        var settings = try Settings.fromEnvironment()
        settings.workers = max(1, loops)
        settings.migrateOnStart = false
        let (app, _) = try await Runtime.application(settings: settings)
        do {
            let pending = try await TanggapServer.pendingMigrations(app)
            guard pending.isEmpty else { throw ArgumentParser.ValidationError("the database needs migrating: run `tanggap migrate` first") }
            try await TanggapServer.checkAttachmentStorage(app)
            try await app.asyncBoot()
            say("Tanggap worker running \(settings.workers) loop(s); stop with Ctrl-C or SIGTERM.")
            await Signals.waitForTermination()
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}

struct Sweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the SLA sweep once now and print what it did.")

    func run() async throws {
        try await Runtime.withApplication(migrate: false) { app, _ in
            let summary = try await TanggapServer.sweepDeadlines(app)
            say("SLA sweep: \(summary)")
        }
    }
}

struct SweepAttachments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep-attachments",
        abstract:
            "Remove attachment files (or objects) that no report names, once older than the grace period; the worker does it every six hours."
    )

    @ArgumentParser.Option(help: "Only files older than this many seconds (default: TANGGAP_ORPHAN_GRACE_MINUTES, one hour).")
    var graceSeconds: Int?

    func run() async throws {
        if let graceSeconds, graceSeconds < 0 { throw ValidationError("--grace-seconds must not be negative") }
        try await Runtime.withApplication(migrate: false) { app, _ in
            say("Attachment sweep: \(try await TanggapServer.sweepOrphanAttachments(app, grace: graceSeconds.map(TimeInterval.init)))")
        }
    }
}

struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the national tree (about 5,000 institutions) and synthetic reports with their histories, for benchmarks.")

    @ArgumentParser.Option(help: "How many reports.") var reports = 100_000
    @ArgumentParser.Option(help: "Over how many years they came in.") var years = 3.0
    @ArgumentParser.Option(help: "Offices under each provincial, regency and city government (at most 14).") var offices = 8
    @ArgumentParser.Option(help: "The seed: the same seed writes the same reports.") var seed: UInt64 = 1
    @ArgumentParser.Option(help: "The password of every generated staff account (admin.<id>@generated.tanggap.test, penghubung.<id>@…).")
    var password: String?

    func validate() throws {
        guard reports >= 0, reports <= 50_000_000 else { throw ValidationError("--reports: 0 to 50,000,000") }
        guard years > 0, years <= 30 else { throw ValidationError("--years: more than 0, at most 30") }
        guard (1...14).contains(offices) else { throw ValidationError("--offices: 1 to 14") }
        if let password, password.count < 10 { throw ValidationError("--password: at least 10 characters") }
    }

    func run() async throws {
        try await Runtime.withApplication { app, _ in
            let password = password ?? TanggapServer.randomPassword()
            let summary = try await TanggapServer.generateSyntheticData(
                reports: reports, years: years, offices: offices, seed: seed, password: password, app: app)
            say(
                "Generated: \(summary).\nStaff accounts (admin.<institution id>@generated.tanggap.test, penghubung.<id>@…) have the password: \(password)"
            )
        }
    }
}

struct Recount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count every report's figures for statistics and dashboards again (after a bulk load, or to repair).")

    func run() async throws {
        try await Runtime.withApplication(migrate: false) { app, _ in
            say("Figures: \(try await TanggapServer.recountFigures(app)).")
        }
    }
}

struct Jobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look after the job queue.", subcommands: [Probe.self])

    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue diagnostic jobs and report how the workers shared them (each must run exactly once).")

        @ArgumentParser.Option(help: "How many jobs.") var count = 1_000
        @ArgumentParser.Flag(help: "Wait until the workers have run them all, then report.") var wait = false
        @ArgumentParser.Option(help: "Give up waiting after this many seconds.") var timeout = 600

        func run() async throws {
            try await Runtime.withApplication(migrate: false) { app, _ in
                let batch = try await TanggapServer.enqueueProbes(count: count, app: app)
                say("Queued \(count) probe jobs (batch \(batch)).")
                guard wait else { return }
                let report = try await TanggapServer.awaitProbes(batch: batch, count: count, timeout: TimeInterval(timeout), app: app)
                say(report.description)
                if !report.isClean { throw ExitCode.failure }
            }
        }
    }
}

/// Waits for SIGINT or SIGTERM.
enum Signals {
    static func waitForTermination() async {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
    }
}
