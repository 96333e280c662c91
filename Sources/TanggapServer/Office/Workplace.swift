import Fluent
import Foundation
import TanggapCore
import Vapor

/// Where a staff member works: the institutions in their subtrees, for pickers and filters.
enum Workplace {
    struct Place: Sendable {
        let id: Int64
        let name: String
        let depth: Int
    }

    static func institutions(of user: SignedInUser, on req: Request) async throws -> [Place] {
        var seen = Set<Int64>(), places: [Place] = []
        for grant in user.grants {
            // Paths start with their ancestors' paths: a prefix match is the subtree.
            for row in try await InstitutionDirectory.subtree(of: grant.scope, limit: 500, on: req.db) where seen.insert(row.id).inserted {
                places.append(
                    Place(
                        id: row.id, name: String(repeating: "· ", count: max(0, row.depth - grant.scope.depth)) + row.name,
                        depth: row.depth - grant.scope.depth))
            }
        }
        return places
    }

    /// The institution a staff page looks at: `?instansi=` or the person's first grant, never outside the subtrees
    /// of the grants that read reports (an operator's does not: `Role.readsReports`).
    static func chosenInstitution(for user: SignedInUser, on req: Request) async throws -> Institution {
        let reading = user.grants.filter(\.role.readsReports)
        let institution: Institution
        if let id = try? req.query.get(Int64.self, at: "instansi") {
            guard let found = try await InstitutionDirectory.find(id, on: req.db) else { throw APIError.notFound }
            institution = found
        } else if let first = reading.first, let found = try await InstitutionDirectory.find(first.scope.institutionID, on: req.db) {
            institution = found
        } else {
            throw APIError.forbidden
        }
        guard reading.contains(where: { $0.covers(institution.path) }) else { throw APIError.forbidden }
        return institution
    }

    static func start(of day: LocalDate, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day)) ?? Date()
    }
}
