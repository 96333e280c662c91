import Foundation
import Vapor

/// `/privasi`: what Tanggap keeps about a person, who sees it, for how long and how to use their rights, in the
/// visitor's language. The periods come from this deployment's own settings, so the notice cannot drift from them.
enum PrivacyNoticeController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("privasi", use: notice)
    }

    struct Notice: Encodable {
        let site: String
        let contact: String?
        let retentionDays: Int?
        let sessionDays: Int
        let tokenDays: Int
        let deviceYears: Int
        let jobDays: Int
    }

    @Sendable static func notice(_ req: Request) async throws -> Response {
        let settings = req.tanggap.settings
        return try await req.renderPage(
            "portal/privasi",
            Notice(
                site: settings.publicURL, contact: settings.privacyContact, retentionDays: settings.retentionDays,
                sessionDays: Int(WebSessions.lifetime / 86_400), tokenDays: Int(settings.apiTokenLifetime / 86_400),
                deviceYears: Devices.cookieLifetime / (365 * 86_400), jobDays: Int(PeriodicTask.finishedJobsKept / 86_400)))
    }
}
