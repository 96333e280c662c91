/// The public's comments on published reports: when they disappear for review, who may judge them, and how
/// their authors are named.
public enum CommentModeration {
    /// A comment flagged by this many established accounts is hidden until a moderator looks at it.
    public static let hideAfterFlags = 3

    /// What one account's flag weighs, in hundredths of a flag. An account made today weighs nothing and one
    /// under a month old half, so that three fresh accounts cannot silence anyone. Staff weigh like anyone else:
    /// an institution's officers are the last who should hide criticism of it. There is no verified contact on a
    /// citizen's account yet: once there is, it should weigh like age.
    public static func flagWeight(accountAge: Double) -> Int {
        switch accountAge {
        case ..<86_400: return 0
        case ..<(30 * 86_400): return 50
        default: return 100
        }
    }

    /// Whether flags weighing `total` hundredths hide a comment.
    public static func hides(totalWeight total: Int) -> Bool { total >= hideAfterFlags * 100 }

    public enum Status: String, Sendable {
        case visible
        /// Flagged past the threshold; shown to no one but moderators.
        case hidden
        /// Removed by a moderator; kept for the record, shown to no one.
        case removed
    }

    public enum Decision: String, Sendable {
        case restore
        case remove
    }

    /// The national admin anywhere; an institution admin for reports their institution holds.
    public static func mayModerate(_ user: UserActor, reportHolder: InstitutionPath) -> Bool {
        user.grants.contains { grant in
            grant.role == .nationalAdmin || (grant.role == .institutionAdmin && grant.covers(reportHolder))
        }
    }

    /// A reporter who asked to stay anonymous and then comments on their own report stays anonymous there too:
    /// their comment is signed "the reporter", never with their name.
    public static func showsAuthorName(commenterID: Int64, reporterUserID: Int64?, reportIsAnonymous: Bool) -> Bool {
        !(reportIsAnonymous && commenterID == reporterUserID)
    }
}
