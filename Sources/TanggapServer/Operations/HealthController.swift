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

    /// Ready for traffic: the database answers and every migration has run.
    @Sendable static func ready(_ req: Request) async throws -> Response {
        var status = Status(status: "ok", database: "ok")
        var code = HTTPResponseStatus.ok
        do {
            try await req.db.sql.raw("SELECT 1").run()
            let pending = try await DatabaseSetup.pendingMigrations(on: req.db)
            if !pending.isEmpty {
                status.status = "migrations_pending"
                status.pendingMigrations = pending
                code = .serviceUnavailable
            }
        } catch {
            req.logger.warning("readiness check failed", metadata: ["error": .string(String(describing: error))])
            status = Status(status: "database_unreachable", database: "unreachable")
            code = .serviceUnavailable
        }
        let response = try await status.encodeResponse(status: code, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
