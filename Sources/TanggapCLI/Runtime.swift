import Foundation
import Logging
import TanggapServer
import Vapor

/// Builds the application the way every command needs it, and takes it down again.
enum Runtime {
    private static let logging: Void = {
        let settings = try? Settings.fromEnvironment()
        let level = settings?.logLevel ?? .info
        if settings?.logFormat == .json {
            LoggingSystem.bootstrap { label in TanggapServer.makeJSONLogHandler(label: label, level: level) }
        } else {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }()

    /// An application configured from the environment, for `arguments` of Vapor's own command line.
    static func application(arguments: [String] = ["tanggap"], settings: Settings? = nil) async throws -> (Application, Settings) {
        _ = logging
        let settings = try settings ?? Settings.fromEnvironment()
        var environment = Environment(name: ProcessInfo.processInfo.environment["TANGGAP_ENV"] ?? "production", arguments: arguments)
        environment.arguments = arguments
        let app = try await Application.make(environment)
        if let home = ProcessInfo.processInfo.environment["TANGGAP_HOME"] {
            app.directory = DirectoryConfiguration(workingDirectory: home)
        }
        do {
            try await configure(app, settings: settings)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return (app, settings)
    }

    /// Runs `body` with a configured application that serves nothing, then shuts it down.
    static func withApplication<T>(migrate: Bool = true, _ body: (Application, Settings) async throws -> T) async throws -> T {
        var settings = try Settings.fromEnvironment()
        settings.migrateOnStart = migrate
        let (app, configured) = try await application(settings: settings)
        do {
            let result = try await body(app, configured)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
