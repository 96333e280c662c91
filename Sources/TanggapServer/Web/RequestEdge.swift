import TanggapCore
import Vapor

/// What every controller asks of a request at its edge, written once: who is signed in as staff, a route's
/// parameters, and how large a body with files may be.
extension Request {
    /// The signed-in staff member; nil when nobody is signed in (a page sends them to sign in, the API answers
    /// 401), and 403 for a citizen's account.
    func signedInStaff() throws -> SignedInUser? {
        guard let user = signedInUser else { return nil }
        guard user.isStaff else { throw APIError.forbidden }
        return user
    }

    /// The signed-in staff member and the institution they chose to manage, when they may configure it; nil
    /// when nobody is signed in, 403 when they may not.
    func managedInstitution() async throws -> (SignedInUser, Institution)? {
        guard let user = try signedInStaff() else { return nil }
        let institution = try await Workplace.chosenInstitution(for: user, on: self)
        guard AdministrationPolicy.mayConfigure(institution.path, by: user.actor) else { throw APIError.forbidden }
        return (user, institution)
    }

    /// Refuses with 403 unless the signed-in user may configure `path` (nil: the national settings).
    func requireMayConfigure(_ path: InstitutionPath?) throws {
        let user = try requireSignedInUser()
        guard AdministrationPolicy.mayConfigure(path, by: user.actor) else { throw APIError.forbidden }
    }

    /// `?institution_id=` when given: a positive number, or a field error.
    func institutionQueryParameter() throws -> Int64? {
        guard let raw = try? query.get(String.self, at: "institution_id"), !raw.isEmpty else { return nil }
        guard let id = Int64(raw), id > 0 else { throw APIError.field("institution_id", .invalid) }
        return id
    }

    /// A parameter of the matched route (`:tracking_id`, `:action`…). A route always has its own parameters; a
    /// name asked of a route without it is a 404, never a crash.
    func routeParameter(_ name: String) throws -> String {
        guard let value = parameters.get(name) else { throw APIError.notFound }
        return value
    }
}

extension RoutesBuilder {
    /// A POST whose body may carry files up to `limit` bytes together, with room for the form's own fields. The
    /// route remembers its limit, so middleware that reads the body before the route does (idempotency) keeps to it.
    @discardableResult
    func postWithAttachments<Answer: AsyncResponseEncodable>(
        _ path: PathComponent..., upTo limit: Int, use handler: @escaping @Sendable (Request) async throws -> Answer
    ) -> Route {
        let largest = limit + 512 * 1024
        let route = on(.POST, path, body: .collect(maxSize: ByteCount(value: largest)), use: handler)
        route.userInfo[Route.bodyLimitKey] = largest
        return route
    }
}

extension Route {
    static let bodyLimitKey = "tanggap.body_limit"

    /// The largest body this route takes, when it is not the application's default.
    var bodyLimit: Int? { userInfo[Self.bodyLimitKey] as? Int }
}
