/// Who must sign in with a second factor. A stolen password alone must never open a reporter's identity or the
/// accounts of others: the roles that may know an anonim reporter and those that manage people always need one;
/// an institution may ask it of all its staff.
public enum SecondFactorPolicy {
    public enum Reach: String, Sendable, CaseIterable {
        /// Roles that may see reporters' identities or manage accounts.
        case sensitiveRoles = "sensitive"
        /// Every staff member.
        case allStaff = "staff"
    }

    public static func isRequired(for grants: [RoleGrant], reach: Reach) -> Bool {
        switch reach {
        case .allStaff: !grants.isEmpty
        case .sensitiveRoles: grants.contains { $0.role.seesAnonymousIdentity || $0.role.managesAccounts }
        }
    }
}

extension Role {
    /// Roles that invite, deactivate and grant roles to people (and reset their second factor).
    public var managesAccounts: Bool { self == .nationalAdmin || self == .institutionAdmin }
}
