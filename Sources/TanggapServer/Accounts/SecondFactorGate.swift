import TanggapCore
import Vapor

/// Until a person who must have a second factor has enrolled one, they can do nothing but enrol (or sign out):
/// every page sends them to `/akun/dua-langkah`, every API call is refused with `second_factor_required`.
/// Runs after sign-in, so it sees who is signed in by cookie or by token.
struct SecondFactorGate: AsyncMiddleware {
    enum Surface { case pages, api }
    let reach: SecondFactorPolicy.Reach
    let surface: Surface

    /// The pages a person who still owes an enrolment may open.
    static let enrolmentPaths: Set<String> = ["/akun/dua-langkah", "/keluar", "/masuk", "/masuk/kode"]
    static let enrolmentPage = "/akun/dua-langkah"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.signedInUser, user.mustEnrolSecondFactor(reach) else { return try await next.respond(to: request) }
        switch surface {
        case .api: throw APIError.secondFactorRequired
        case .pages:
            if Self.enrolmentPaths.contains(request.url.path) { return try await next.respond(to: request) }
            return request.seeOther(Self.enrolmentPage)
        }
    }
}
