/// The public's comments on published reports: when they disappear for review, who may judge them, and how
/// their authors are named.
public enum CommentModeration {
    /// A comment flagged by this many different accounts is hidden until a moderator looks at it.
    public static let hideAfterFlags = 3

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
