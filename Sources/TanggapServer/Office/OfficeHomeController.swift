import Foundation
import TanggapCore
import Vapor

/// `/kelola`: where staff land after signing in: who they are, what they may do where, and how many reports
/// are held in their part of the tree in each state.
enum OfficeHomeController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("kelola", use: home)
    }

    struct Home: Encodable {
        struct Grant: Encodable {
            let role: String
            let institution: String
        }
        struct Count: Encodable {
            let state: String
            let label: String
            let count: String
        }
        let name: String
        let grants: [Grant]
        let counts: [Count]
        let total: String
        let isStaff: Bool
        let isOperator: Bool
        /// An operator alone reads no reports (`Role.readsReports`): no inbox, dashboard or weekly review to offer.
        let readsReports: Bool
        let isModerator: Bool
    }

    @Sendable static func home(_ req: Request) async throws -> Response {
        guard let user = req.signedInUser else { return req.seeOther("/masuk?next=/kelola") }
        let localizer = req.tanggap.localizer
        let names = try await InstitutionDirectory.names(Set(user.grants.map(\.scope.institutionID)), on: req.db)
        let counts = user.isStaff ? try await heldByState(for: user, on: req) : [:]
        let total = counts.values.reduce(0, +)
        let home = Home(
            name: user.name,
            grants: user.grants.map {
                Home.Grant(
                    role: localizer.label($0.role, req.language),
                    institution: names[$0.scope.institutionID] ?? "")
            },
            counts: ReportState.allCases.map {
                Home.Count(
                    state: $0.rawValue, label: localizer.label($0, req.language),
                    count: DisplayFormat.count(counts[$0] ?? 0, cappedAt: countCap, req))
            },
            total: counts.values.contains { $0 >= countCap } ? DisplayFormat.number(total, req) + "+" : DisplayFormat.number(total, req),
            isStaff: user.isStaff,
            isOperator: user.grants.contains { $0.role == .operator },
            readsReports: user.grants.contains { $0.role.readsReports },
            isModerator: user.grants.contains { $0.role == .nationalAdmin || $0.role == .institutionAdmin })
        return try await req.renderPage("kelola/beranda", home)
    }

    /// Each state counts this far and then says "10,000+": the national level holds millions of reports, and
    /// counting them all took seconds (a regency's, through the routes of every report that passed by, twenty).
    static let countCap = 10_000

    /// How many reports are held now within the person's subtrees, per state: the same reports their inbox cuts
    /// into tabs, each count read from the index on held work.
    private static func heldByState(for user: SignedInUser, on req: Request) async throws -> [ReportState: Int] {
        let scope = VisibilityPolicy.listScope(for: .user(user.actor))
        var counts: [ReportState: Int] = [:]
        for state in ReportState.allCases {
            var filter = ReportFilter()
            filter.heldWithin = user.grants.map(\.scope)
            filter.states = [state]
            counts[state] = try await ReportQueries.count(filter, scope: scope, now: req.now, upTo: countCap, on: req.db)
        }
        return counts
    }
}
