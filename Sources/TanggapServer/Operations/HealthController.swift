import Fluent
import SQLKit
import Vapor

/// Liveness and readiness for load balancers and orchestrators.
enum HealthController {
    static func register(_ routes: any RoutesBuilder) {
        routes.get("healthz", use: live)
        routes.get("readyz", use: ready)
    }

    struct Status: Content {
        var status: String
        var database: String?
        var pendingMigrations: [String]?

        enum CodingKeys: String, CodingKey {
            case status, database
            case pendingMigrations = "pending_migrations"
        }
    }

    /// The process is up and answering.
    @Sendable static func live(_ req: Request) async throws -> Status {
        Status(status: "ok")
    }

    /// Ready for traffic: every migration has run and intake can commit now, proved by a write through the
    /// commit lane (`GroupCommit.check`) within the database deadline. It fails while the database is down,
    /// read-only or full, or while the lane's connections hang, and passes again by itself once a write commits.
    @Sendable static func ready(_ req: Request) async throws -> Response {
        var status = Status(status: "ok", database: "ok")
        var code = HTTPResponseStatus.ok
        do {
            let pending = try await withDeadline(req.tanggap.settings.databaseDeadline, "the migration check") {
                try await DatabaseSetup.pendingMigrations(on: req.db)
            }
            if pending.isEmpty {
                try await req.tanggap.commits.check()
            } else {
                status.status = "migrations_pending"
                status.pendingMigrations = pending
                code = .serviceUnavailable
            }
        } catch {
            req.logger.warning("readiness check failed", metadata: ["error": .string(String(describing: error))])
            req.tanggap.databaseWatch.noteFailure(error)
            let full = DatabaseFault.of(error) == .storageFull
            status = Status(status: full ? "storage_full" : "database_unavailable", database: full ? "full" : "unavailable")
            code = .serviceUnavailable
        }
        let response = try await status.encodeResponse(status: code, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
