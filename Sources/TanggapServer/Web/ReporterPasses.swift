import Crypto
import Foundation
import TanggapCore
import Vapor

/// A browser that filed a report without an account, or proved its secret on the tracking page, keeps a *pass*
/// for it in an HttpOnly cookie, so the reporter can come back by the bookmarked link without typing the secret
/// again. The pass is not the secret: it is derived from the stored digest of the secret and the tracking ID, opens
/// the report in this browser only, and cannot be turned back into the secret that opens it everywhere (a cookie
/// read off a shared computer gives away no more than that computer already had). Neither goes into a URL.
enum ReporterPasses {
    static let cookieName = "tanggap_lapor"
    /// The newest reports this browser remembers.
    static let kept = 10
    static let lifetime: TimeInterval = 180 * 86_400

    /// The secret, once, for the receipt page right after filing: scoped to that page, gone after it is shown.
    static let receiptCookieName = "tanggap_terkirim"

    /// The pass for a report whose secret has this digest.
    static func pass(trackingID: String, secretDigest: String) -> String {
        let key = SymmetricKey(data: Data(secretDigest.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("tanggap-browser-pass:\(trackingID)".utf8), using: key)
        return Hex.string(Array(mac))
    }

    /// True when `pass` opens the report.
    static func proves(_ pass: String, for report: ReportModel) -> Bool {
        guard let digest = report.secretDigest else { return false }
        return constantTimeEqual(pass, self.pass(trackingID: report.trackingID.value, secretDigest: digest))
    }

    /// Tracking ID (canonical) → pass, newest first.
    static func all(_ req: Request) -> [(trackingID: String, pass: String)] {
        guard let raw = req.cookies[cookieName]?.string, raw.count < 1_000 else { return [] }
        return raw.split(separator: "~").prefix(kept).compactMap { pair in
            let parts = pair.split(separator: ".")
            guard parts.count == 2, let id = TrackingID(parsing: String(parts[0])), parts[1].count == 64,
                parts[1].allSatisfy(\.isHexDigit)
            else { return nil }
            return (id.value, String(parts[1]))
        }
    }

    static func pass(for trackingID: TrackingID, _ req: Request) -> String? {
        all(req).first { $0.trackingID == trackingID.value }?.pass
    }

    /// Keeps the pass for a report whose secret was just proven (or just given out).
    static func remember(_ trackingID: TrackingID, secret: String, on req: Request, response: Response) {
        guard let digest = ReportIntake.secretDigest(secret) else { return }
        let others = all(req).filter { $0.trackingID != trackingID.value }.prefix(kept - 1)
        let value = ([(trackingID.value, pass(trackingID: trackingID.value, secretDigest: digest))] + others)
            .map { "\($0.0).\($0.1)" }.joined(separator: "~")
        response.cookies[cookieName] = HTTPCookies.Value(
            string: value, maxAge: Int(lifetime), path: "/", isSecure: req.tanggap.settings.secureCookies,
            isHTTPOnly: true, sameSite: .lax)
    }

    /// Hands the secret to the receipt page, which shows it once.
    static func showOnce(_ trackingID: TrackingID, secret: String, on req: Request, response: Response) {
        response.cookies[receiptCookieName] = HTTPCookies.Value(
            string: ReporterSecret.canonical(secret) ?? "", maxAge: 600, path: receiptPath(trackingID),
            isSecure: req.tanggap.settings.secureCookies, isHTTPOnly: true, sameSite: .strict)
    }

    /// The secret handed to this receipt page, if it has not been shown yet; the response forgets it.
    static func takeShownOnce(_ trackingID: TrackingID, _ req: Request, response: Response) -> String? {
        guard let raw = req.cookies[receiptCookieName]?.string, let secret = ReporterSecret.canonical(raw) else { return nil }
        response.cookies[receiptCookieName] = HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: receiptPath(trackingID),
            isSecure: req.tanggap.settings.secureCookies, isHTTPOnly: true, sameSite: .strict)
        return secret
    }

    static func receiptPath(_ trackingID: TrackingID) -> String { "/lapor/terkirim/\(trackingID.display)" }
}

extension ReportViewer {
    /// The report of the route's `:tracking_id` as this browser may see it: with the pass it keeps, a stale one
    /// counting as none.
    static func loadInBrowser(_ req: Request) async throws -> ViewedReport {
        let raw = try req.routeParameter("tracking_id")
        let pass = TrackingID(parsing: raw).flatMap { ReporterPasses.pass(for: $0, req) }
        return try await load(raw, secret: nil, pass: pass, for: req)
    }
}
