import Foundation

/// Opening the sealed identity of an anonim reporter. The roles that may know it at all (`Role.seesAnonymousIdentity`)
/// see it only after asking, with a reason that is written down for good; the opening lasts a while for that one
/// person on that one report, then the identity is sealed again.
public enum IdentityReveal {
    /// A reason someone else can judge later: more than a word, less than a letter.
    public static let reasonLimits = 20...1_000
    /// How long one opening lets its person see the identity: long enough to make the call or write the letter
    /// the case needs, short enough that a screen left open does not keep it on show.
    public static let lasts: TimeInterval = 30 * 60

    /// The reason as it will be kept, or every problem with it.
    public static func checkedReason(_ raw: String?, field: String = "reason") throws(ValidationFailure) -> String {
        var check = FieldChecker()
        let reason = check.requiredText(raw, field: field, limits: reasonLimits, multiLine: true)
        try check.finish()
        return reason!
    }

    /// Whether an opening made at `openedAt` still shows the identity at `now`.
    public static func isOpen(since openedAt: Date, at now: Date) -> Bool {
        openedAt <= now && now.timeIntervalSince(openedAt) < lasts
    }

    /// The role under which `user` may open the identity of `report`, if any: the first grant covering the report's
    /// route whose role may know an anonim reporter.
    public static func role(of user: UserActor, on report: PrivacyFacts) -> Role? {
        guard report.isAnonymous else { return nil }
        return user.grants.first { grant in
            grant.role.readsReports && grant.role.seesAnonymousIdentity && report.route.contains { grant.covers($0) }
        }?.role
    }
}
