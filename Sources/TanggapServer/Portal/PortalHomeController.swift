import Foundation
import TanggapCore
import Vapor

/// `/`: what Tanggap is, in three steps, with the way in for staff and for programs.
enum PortalHomeController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get(use: home)
    }

    struct Home: Encodable {
        let publishedReports: Int
    }

    @Sendable static func home(_ req: Request) async throws -> Response {
        let counts = try await ReportQueries.countByState(scope: VisibilityPolicy.listScope(for: .publicVisitor), on: req.db)
        return try await req.renderPage("portal/beranda", Home(publishedReports: counts.values.reduce(0, +)))
    }
}
