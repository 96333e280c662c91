/// Who may change how the system is set up: calendars, holidays and time limits.
public enum AdministrationPolicy {
    /// The national settings (the national calendar, the deployment's limits): national admins only.
    /// An institution's own: national admins, and institution admins whose subtree holds it.
    public static func mayConfigure(_ institution: InstitutionPath?, by user: UserActor) -> Bool {
        guard let institution else { return user.grants.contains { $0.role == .nationalAdmin } }
        return user.holds(.nationalAdmin, covering: institution) || user.holds(.institutionAdmin, covering: institution)
    }

    /// Granting a role at an institution: its admins (or a national admin) may give the working roles below them;
    /// only a national admin makes national admins or oversight.
    public static func mayGrant(_ role: Role, on institution: InstitutionPath, by user: UserActor) -> Bool {
        switch role {
        case .nationalAdmin, .oversight: return user.grants.contains { $0.role == .nationalAdmin }
        default: return mayConfigure(institution, by: user)
        }
    }

    /// Changing another person's account at `institution` (deactivating it, resetting their second factor): its
    /// admins may, for someone whose every role lies within its subtree, and never for themselves — so one admin
    /// cannot quietly lower their own protection, nor act on someone who also works elsewhere.
    public static func mayManageAccount(of member: UserActor, at institution: InstitutionPath, by user: UserActor) -> Bool {
        guard member.id != user.id, !member.grants.isEmpty, mayConfigure(institution, by: user) else { return false }
        return member.grants.allSatisfy { $0.scope.isWithin(institution) }
    }

    /// Which other instances this one trusts (federation peers) is the national admins' decision: a peer may hand in
    /// reports and answers on behalf of a whole government.
    public static func mayManagePeers(_ user: UserActor) -> Bool {
        user.grants.contains { $0.role == .nationalAdmin }
    }

    /// A person may erase their own account (and with it who they are on their reports) unless they hold a role: what
    /// staff did is part of the public record, and their admin deactivates them instead.
    public static func mayEraseOwnAccount(_ grants: [RoleGrant]) -> Bool {
        grants.isEmpty
    }

    /// Dead jobs (messages that could not be delivered) are the national admins' to see and retry.
    public static func mayManageJobs(_ user: UserActor) -> Bool {
        user.grants.contains { $0.role == .nationalAdmin }
    }
}
