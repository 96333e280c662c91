/// A staff member's grant, as the reminder rules see it.
public struct StaffGrant: Hashable, Sendable {
    public let userID: Int64
    public let grant: RoleGrant

    public init(userID: Int64, grant: RoleGrant) {
        self.userID = userID
        self.grant = grant
    }
}

/// Who is told when a report's deadline comes near or passes.
public enum ReminderPolicy {
    /// For a report at `holder`: its liaison officers, and the institution admins nearest above it (the unit's
    /// own if it has any, else the regency's, and so on up); the national admins when there are none at all.
    public static func recipients(for holder: InstitutionPath, among grants: [StaffGrant]) -> [Int64] {
        let liaisons = grants.filter { $0.grant.role == .liaisonOfficer && $0.grant.scope == holder }.map(\.userID)
        return Array(Set(liaisons + nearestAdmins(of: holder, among: grants))).sorted()
    }

    /// The institution `levelsUp` above `holder` (never above the national level) and the admins told there.
    public static func ladder(levelsUp: Int, above holder: InstitutionPath, among grants: [StaffGrant]) -> (InstitutionPath, [Int64]) {
        let level = InstitutionPath(Array(holder.ids.prefix(max(1, holder.ids.count - levelsUp))))
        return (level, nearestAdmins(of: level, among: grants))
    }

    private static func nearestAdmins(of institution: InstitutionPath, among grants: [StaffGrant]) -> [Int64] {
        var level: InstitutionPath? = institution
        while let current = level {
            let admins = grants.filter { $0.grant.role == .institutionAdmin && $0.grant.scope == current }.map(\.userID)
            if !admins.isEmpty { return admins.sorted() }
            level = current.parent
        }
        return grants.filter { $0.grant.role == .nationalAdmin }.map(\.userID).sorted()
    }
}
