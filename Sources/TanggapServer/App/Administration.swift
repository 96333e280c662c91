import Fluent
import Foundation
import Logging
import TanggapCore
import Vapor

/// What the command line needs from the server beyond `configure`.

public func pendingMigrations(_ app: Application) async throws -> [String] {
    try await DatabaseSetup.pendingMigrations(on: app.db)
}

/// True when no institution exists yet: a database nobody has set up.
public func isEmpty(_ db: any Database) async throws -> Bool {
    try await InstitutionModel.query(on: db).count() == 0
}

public struct CreatedUser: Sendable {
    public let id: Int64
    public let email: String
}

/// Creates a national admin on the national institution, creating that institution on a new database.
public func createNationalAdmin(
    name: String, email: String, password: String, nationalInstitution: String, app: Application
) async throws -> CreatedUser {
    let db = app.db
    let now = app.tanggap.clock.now()
    var root = try await InstitutionDirectory.root(on: db)
    if root == nil {
        root = try await InstitutionDirectory.create(
            name: nationalInstitution, kind: .national, under: nil, code: "nasional", timeZone: "Asia/Jakarta", now: now, on: db)
    }
    let national = root!
    do {
        let user = try await AccountService.create(
            .init(name: name, email: email, password: password, institutionID: national.id, roles: [(.nationalAdmin, national.id)]),
            bcryptCost: app.tanggap.settings.bcryptCost, now: now, on: db)
        return CreatedUser(id: user.id, email: user.email)
    } catch let failure as ValidationFailure {
        throw AdministrationError.invalid(failure.errors.map { "\($0.field): \(app.tanggap.localizer.text("field.\($0.code.rawValue)", .en, ["limit": $0.limit.map(String.init) ?? ""]))" })
    } catch let error as APIError where error.code == "email_taken" {
        throw AdministrationError.invalid(["email: already registered"])
    }
}

public enum AdministrationError: Error, CustomStringConvertible {
    case invalid([String])
    public var description: String {
        switch self {
        case .invalid(let problems): problems.joined(separator: "; ")
        }
    }
}

public func makeJSONLogHandler(label: String, level: Logger.Level) -> any LogHandler {
    JSONLogHandler(label: label, level: level)
}
