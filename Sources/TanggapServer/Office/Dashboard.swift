import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The figures of the staff dashboard: for an institution and each unit one level below it, the public figures
/// and the workload (lights, bounced, working days), plus who works there and how active they are.
enum Dashboard {
    typealias UnitFigures = InstitutionFigures.Line

    struct Person: Decodable, Sendable {
        let name: String
        let role: String
        let institution: String
        let last_login_at: Date?
        let actions: Int
    }

    struct Result: Sendable {
        var overall: UnitFigures
        var units: [UnitFigures]
        var people: [Person]
    }

    static let activityWindow: TimeInterval = 30 * 86_400

    /// The institution's units are its children, each with its whole subtree, and the institution itself for what it
    /// holds directly; the figures come from the kept tallies.
    static func compute(
        under institution: Institution, periods: [String], cache: FiguresCache? = nil, now: Date, on db: any Database
    ) async throws -> Result {
        let (figures, units) = try await InstitutionFigures.lines(under: institution, periods: periods, cache: cache, now: now, on: db)
        let overall = UnitFigures(id: institution.id, name: institution.name, figures: figures.overall)

        let people = try await db.sql.raw(
            """
            SELECT u.name, g.role, i.name AS institution, u.last_login_at,
                (SELECT COUNT(*) FROM report_events e WHERE e.actor_user_id = u.id AND e.at >= \(bind: now.addingTimeInterval(-activityWindow))) AS actions
            FROM users u JOIN role_grants g ON g.user_id = u.id JOIN institutions i ON i.id = g.institution_id
            WHERE u.is_active = \(bind: true) AND i.path LIKE \(bind: institution.path.encoded + "%")
            ORDER BY i.path, u.name LIMIT 300
            """
        ).all(decoding: Person.self)
        return Result(overall: overall, units: units, people: people)
    }
}
