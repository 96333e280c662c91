import Foundation
import TanggapCore
import Vapor

/// A browser that filed a report without an account, or proved its secret on the tracking page, keeps the
/// secret in an HttpOnly cookie, so the reporter can come back by the bookmarked link without typing it again.
/// The secret never goes into a URL, where logs and history would keep it.
enum ReporterPasses {
    static let cookieName = "tanggap_lapor"
    /// The newest reports this browser remembers.
    static let kept = 10
    static let lifetime: TimeInterval = 180 * 86_400

    /// Tracking ID (canonical) → secret, newest first.
    static func all(_ req: Request) -> [(trackingID: String, secret: String)] {
        guard let raw = req.cookies[cookieName]?.string, raw.count < 1_000 else { return [] }
        return raw.split(separator: "~").prefix(kept).compactMap { pair in
            let parts = pair.split(separator: ".")
            guard parts.count == 2, let id = TrackingID(parsing: String(parts[0])), let secret = ReporterSecret.canonical(String(parts[1]))
            else { return nil }
            return (id.value, secret)
        }
    }

    static func secret(for trackingID: TrackingID, _ req: Request) -> String? {
        all(req).first { $0.trackingID == trackingID.value }?.secret
    }

    static func remember(_ trackingID: TrackingID, secret: String, on req: Request, response: Response) {
        guard let secret = ReporterSecret.canonical(secret) else { return }
        let others = all(req).filter { $0.trackingID != trackingID.value }.prefix(kept - 1)
        let value = ([(trackingID.value, secret)] + others).map { "\($0.0).\($0.1)" }.joined(separator: "~")
        response.cookies[cookieName] = HTTPCookies.Value(
            string: value, maxAge: Int(lifetime), path: "/", isSecure: req.tanggap.settings.secureCookies,
            isHTTPOnly: true, sameSite: .lax)
    }
}
