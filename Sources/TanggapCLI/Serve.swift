import ArgumentParser
import Fluent
import Foundation
import TanggapServer
import Vapor

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the web server (portal, back office, API).")

    @ArgumentParser.Option(help: "The address to listen on.") var hostname = "127.0.0.1"
    @ArgumentParser.Option(help: "The port to listen on.") var port = 8080

    func run() async throws {
        let (app, settings) = try await Runtime.application(arguments: ["tanggap", "serve", "--hostname", hostname, "--port", String(port)])
        do {
            let pending = try await TanggapServer.pendingMigrations(app)
            guard pending.isEmpty else {
                throw ArgumentParser.ValidationError(
                    "the database needs migrating (\(pending.joined(separator: ", "))): run `tanggap migrate` first")
            }
            try await TanggapServer.checkAttachmentStorage(app)
            try await seedDemoIfWanted(app, settings)
            let files = if case .s3 = settings.attachmentStorage { ", files in \(settings.attachmentStorage.summary)" } else { "" }
            say(
                "Tanggap \(TanggapRelease.version) on \(settings.database.summary)\(files), listening on http://\(hostname):\(port)"
                    + "  (API: /api/v1, health: /healthz)")
            try await app.execute()
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// On a fresh embedded database the server starts with the demo, so that a first look shows something;
    /// a PostgreSQL deployment never gets demo data unless it asks for it.
    private func seedDemoIfWanted(_ app: Application, _ settings: Settings) async throws {
        let empty = try await TanggapServer.isEmpty(app.db)
        switch (settings.demo, settings.database.isPostgres, empty) {
        case (.never, _, _), (_, _, false):
            return
        case (.auto, true, true):
            app.logger.warning("the database has no institutions yet: run `tanggap create-admin` (or `tanggap seed-demo`)")
            return
        default:
            say("A new database: seeding the demo (TANGGAP_DEMO=never to skip)…")
            let summary = try await DemoSeeder.seed(
                context: app.tanggap, resourcesDirectory: app.directory.resourcesDirectory, reports: settings.demoReports, on: app.db)
            DemoSummaryPrinter.print(summary, url: "http://\(hostname):\(port)")
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the database schema up to date (safe to run from several instances at once).")

    func run() async throws {
        try await Runtime.withApplication(migrate: true) { app, settings in
            say("Database is up to date (\(settings.database.isPostgres ? "PostgreSQL" : "SQLite")).")
        }
    }
}
