import TanggapCore
import Vapor

/// The person behind a request, with their grants on the tree.
struct SignedInUser: Authenticatable, Sendable, Hashable {
    let id: Int64
    let name: String
    let email: String
    let institutionID: Int64?
    let grants: [RoleGrant]
    /// Whether the person has a confirmed second factor.
    var hasSecondFactor = false

    var actor: UserActor { UserActor(id: id, grants: grants) }
    var isStaff: Bool { !grants.isEmpty }

    /// Whether this person must enrol a second factor before doing anything else.
    func mustEnrolSecondFactor(_ reach: SecondFactorPolicy.Reach) -> Bool {
        !hasSecondFactor && SecondFactorPolicy.isRequired(for: grants, reach: reach)
    }
}

extension Request {
    var signedInUser: SignedInUser? { auth.get(SignedInUser.self) }

    func requireSignedInUser() throws -> SignedInUser {
        guard let user = signedInUser else { throw APIError.authenticationRequired }
        return user
    }
}
