import Foundation
import TanggapCore
import Vapor

/// `/kelola`: where staff land after signing in: who they are, what they may do where, and how many reports
/// in their part of the tree wait in each state.
enum OfficeHomeController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("kelola", use: home)
    }

    struct Home: Encodable {
        struct Grant: Encodable { let role: String; let institution: String }
        struct Count: Encodable { let state: String; let label: String; let count: Int }
        let name: String
        let grants: [Grant]
        let counts: [Count]
        let total: Int
        let isStaff: Bool
        let isOperator: Bool
        let isModerator: Bool
    }

    @Sendable static func home(_ req: Request) async throws -> Response {
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=/kelola") }
        let localizer = req.tanggap.localizer
        let names = try await InstitutionDirectory.names(Set(user.grants.map(\.scope.institutionID)), on: req.db)
        var scope = VisibilityPolicy.listScope(for: .user(user.actor))
        // The office counts the work in the person's subtrees, not every published report in the country.
        scope.published = !user.isStaff
        let counts = try await ReportQueries.countByState(scope: scope, on: req.db)
        let home = Home(
            name: user.name,
            grants: user.grants.map { Home.Grant(role: localizer.text("role.\($0.role.rawValue)", req.language),
                                                 institution: names[$0.scope.institutionID] ?? "") },
            counts: ReportState.allCases.map { Home.Count(state: $0.rawValue, label: localizer.text("state.\($0.rawValue)", req.language), count: counts[$0] ?? 0) },
            total: counts.values.reduce(0, +), isStaff: user.isStaff,
            isOperator: user.grants.contains { $0.role == .operator },
            isModerator: user.grants.contains { $0.role == .nationalAdmin || $0.role == .institutionAdmin })
        return try await req.renderPage("kelola/beranda", home)
    }
}
