import ArgumentParser
import Foundation
import TanggapServer

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database and the attachments into a new folder with a manifest, while the server runs.")

    @ArgumentParser.Argument(help: "A new (or empty) folder for the backup.") var destination: String

    func run() async throws {
        try await Runtime.withApplication(migrate: false) { app, settings in
            let started = Date()
            let manifest = try await Backup.take(into: destination, app: app, settings: settings)
            let bytes = manifest.files.reduce(0) { $0 + $1.bytes }
            say(
                "Backup in \(destination): \(manifest.counts["reports"] ?? 0) reports, \(manifest.files.count - 1) attachment files, "
                    + "\(bytes / 1_048_576) MB, schema \(manifest.schema), \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Check a backup against its manifest, put it in place of an empty deployment, then verify it.")

    @ArgumentParser.Argument(help: "The backup folder.") var source: String
    @ArgumentParser.Flag(help: "Replace a database and attachments that already hold data.") var force = false

    func run() async throws {
        let manifest = try Restore.check(source)
        say("Backup checked: \(manifest.files.count) files match the manifest (\(manifest.engine), schema \(manifest.schema)).")
        var settings = try Settings.fromEnvironment()
        settings.migrateOnStart = false
        settings.demo = .never
        let target: Restore.Target
        if settings.database.isPostgres {
            target = try await Runtime.withApplication(migrate: false) { app, _ in try await Restore.postgresTarget(app) }
        } else {
            target = Restore.Target(databaseHasTables: Restore.sqliteTargetHasData(settings))
        }
        try await Restore.put(manifest, from: source, into: settings, target: target, force: force)
        say("Restored \(manifest.counts["reports"] ?? 0) reports; verifying…")
        let report = try await Runtime.withApplication(migrate: false) { app, _ in try await Verify.run(app) }
        say(report.description)
        if !report.isClean { throw ExitCode(1) }
    }
}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the deployment is whole: database integrity, histories and figures, every attachment and its checksum.")

    func run() async throws {
        let report = try await Runtime.withApplication(migrate: false) { app, _ in try await Verify.run(app) }
        say(report.description)
        if !report.isClean { throw ExitCode(1) }
    }
}
