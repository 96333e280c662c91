import Fluent
import TanggapCore
import Vapor

/// A report together with who is looking at it and what they may see and do.
struct ViewedReport: Sendable {
    let report: ReportModel
    let access: ReportAccess
    /// Who acts if the viewer asks for an action: the proven reporter, the signed-in user, or nobody.
    let actor: Actor?
    let eventActor: EventActor?
}

enum ReportViewer {
    static let secretHeader = "X-Report-Secret"

    /// Loads a report by tracking ID for this request. A report the viewer may not see, an unknown ID and a
    /// wrong secret all give the same answer, so nothing tells a stranger whether a report exists.
    static func load(_ rawTrackingID: String, for req: Request) async throws -> ViewedReport {
        try await load(rawTrackingID, secret: req.headers.first(name: secretHeader), for: req)
    }

    /// The same, with the secret from wherever the surface takes it, or the pass this browser keeps
    /// (`ReporterPasses`; a stale pass counts as none). Every offered secret counts against the client's
    /// allowance, so that secrets cannot be guessed at speed on any surface.
    static func load(_ rawTrackingID: String, secret: String?, pass: String? = nil, for req: Request) async throws -> ViewedReport {
        if secret != nil { try await req.enforceRateLimit(.secretCheck) }
        guard let trackingID = TrackingID(parsing: rawTrackingID),
            let report = try await ReportQueries.find(trackingID: trackingID, on: req.db)
        else { throw APIError.reportNotFound }
        let provedReporter = try proves(secret, for: report) || (pass.map { ReporterPasses.proves($0, for: report) } ?? false)
        let user = req.signedInUser
        guard let access = try await access(to: report, provedReporter: provedReporter, for: req) else {
            throw APIError.reportNotFound
        }
        if provedReporter { return ViewedReport(report: report, access: access, actor: .reporter, eventActor: .reporter) }
        if let user {
            return ViewedReport(
                report: report, access: access, actor: .user(user.actor), eventActor: .user(id: user.id, institutionID: user.institutionID))
        }
        return ViewedReport(report: report, access: access, actor: nil, eventActor: nil)
    }

    /// What this request may see of `report` as it is now: the signed-in person (or the public), and the
    /// reporter too when the secret was proven.
    static func access(to report: ReportModel, provedReporter: Bool, for req: Request) async throws -> ReportAccess? {
        var viewers: [Viewer] = [req.signedInUser.map { .user($0.actor) } ?? .publicVisitor]
        if provedReporter { viewers.append(.reporter) }
        let route = try await ReportHistory.route(of: report.id!, on: req.db)
        // Only staff can have a sealed identity opened to them; nobody else needs the record read.
        let openedTo =
            report.isAnonymous && req.signedInUser?.isStaff == true
            ? try await IdentityReveals.openTo(reportID: report.id!, now: req.now, on: req.db) : []
        return VisibilityPolicy.access(for: viewers, to: report.privacy(route: route, openedTo: openedTo))
    }

    /// Opens the sealed identity of `viewed`'s reporter to the signed-in person, who gives `reason`; refused unless
    /// their role may know an anonim reporter on this report. The opening is recorded before anything is shown.
    static func openIdentity(of viewed: ViewedReport, reason: String?, field: String = "reason", for req: Request) async throws {
        let user = try req.requireSignedInUser()
        let route = try await ReportHistory.route(of: viewed.report.id!, on: req.db)
        guard viewed.access.mayOpenIdentity, let role = IdentityReveal.role(of: user.actor, on: viewed.report.privacy(route: route))
        else { throw APIError.forbidden }
        let reason = try IdentityReveal.checkedReason(reason, field: field)
        let now = req.now
        try await req.db.writeTransaction { db in
            try await IdentityReveals.record(report: viewed.report, by: user, as: role, reason: reason, now: now, on: db)
        }
        req.logger.notice(
            "reporter identity opened",
            metadata: [
                "tracking_id": .string(viewed.report.trackingID.value), "user_id": .stringConvertible(user.id),
                "role": .string(role.rawValue),
            ])
    }

    /// True when `secret` is this report's secret; an offered secret that does not match is refused outright.
    private static func proves(_ secret: String?, for report: ReportModel) throws -> Bool {
        guard let secret else { return false }
        guard let digest = ReportIntake.secretDigest(secret), let stored = report.secretDigest,
            constantTimeEqual(digest, stored)
        else { throw APIError.reportNotFound }
        return true
    }
}
