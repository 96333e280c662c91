/// Who is looking at a report.
public enum Viewer: Hashable, Sendable {
    /// Anyone on the internet.
    case publicVisitor
    /// A signed-in person: a citizen (no grants) or staff.
    case user(UserActor)
    /// Someone who proved to be the reporter of this very report without an account (tracking ID + secret).
    case reporter
}

/// What the privacy rules need to know about a report.
public struct PrivacyFacts: Hashable, Sendable {
    /// Anonim: the reporter's identity is hidden from the institution and the public.
    public var isAnonymous: Bool
    /// Rahasia: the report itself is hidden from the public.
    public var isConfidential: Bool
    public var isVerified: Bool
    public var archiveReason: ArchiveReason?
    public var reporterUserID: Int64?
    /// Every institution that has held the report, the current holder included.
    public var route: [InstitutionPath]
    /// People for whom an anonim reporter's identity is open now, each after giving a reason (`IdentityReveal`).
    public var openedTo: Set<Int64>

    public init(
        isAnonymous: Bool, isConfidential: Bool, isVerified: Bool, archiveReason: ArchiveReason? = nil,
        reporterUserID: Int64?, route: [InstitutionPath], openedTo: Set<Int64> = []
    ) {
        self.openedTo = openedTo
        self.isAnonymous = isAnonymous
        self.isConfidential = isConfidential
        self.isVerified = isVerified
        self.archiveReason = archiveReason
        self.reporterUserID = reporterUserID
        self.route = route
    }

    /// A report is published once it is verified, unless it is rahasia or was thrown out as spam.
    public var isPublished: Bool { !isConfidential && isVerified && archiveReason != .spam }
}

/// What a viewer may see of one report. Every surface (JSON, pages, exports) serialises through it.
public struct ReportAccess: Hashable, Sendable {
    public enum Level: Int, Comparable, Sendable {
        case `public`, reporter, staff
        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let level: Level
    /// Name, contact and account of the reporter.
    public let seesReporterIdentity: Bool
    /// The identity is sealed to this viewer but theirs to open, with a reason (`IdentityReveal`).
    public let mayOpenIdentity: Bool

    public init(level: Level, seesReporterIdentity: Bool, mayOpenIdentity: Bool = false) {
        self.level = level
        self.seesReporterIdentity = seesReporterIdentity
        self.mayOpenIdentity = mayOpenIdentity && !seesReporterIdentity
    }

    /// The history events this viewer may read.
    public func mayRead(_ audience: EventAudience) -> Bool {
        switch level {
        case .public: audience == .public
        case .reporter: audience <= .participants
        case .staff: true
        }
    }

    /// Whether a report may be listed to this viewer as "the same reporter's": only where the viewer may know
    /// that report's reporter too, or the list would tie an anonim report to a name.
    public var mayListAsSameReporter: Bool { level == .staff && seesReporterIdentity }

    /// Names of staff who acted: staff see colleagues by name; everyone else sees the institution.
    public var seesStaffNames: Bool { level == .staff }
}

/// Which reports a list may contain for a viewer, in a form a database query can express.
public struct ListScope: Hashable, Sendable {
    /// Every report, regardless of flags.
    public var everything: Bool
    /// Published reports (see `PrivacyFacts.isPublished`).
    public var published: Bool
    /// Reports filed with this account.
    public var reporterUserID: Int64?
    /// Reports that have been held anywhere in these subtrees.
    public var subtrees: [InstitutionPath]

    public init(everything: Bool, published: Bool, reporterUserID: Int64?, subtrees: [InstitutionPath]) {
        self.everything = everything
        self.published = published
        self.reporterUserID = reporterUserID
        self.subtrees = subtrees
    }

    /// Whether every report held now within `held` is already in this scope. Every holder is on a report's route
    /// (intake and every move record it), so a report held within one of the scope's subtrees has been held
    /// there: a list asking only for such reports (an inbox) needs no other condition to stay in scope.
    public func contains(heldWithin held: [InstitutionPath]) -> Bool {
        everything || !held.isEmpty && held.allSatisfy { path in subtrees.contains { path.isWithin($0) } }
    }
}

/// The one place that decides what each viewer may see. See ARCHITECTURE.md, principle 4.
public enum VisibilityPolicy {
    public static func access(for viewer: Viewer, to report: PrivacyFacts) -> ReportAccess? {
        switch viewer {
        case .publicVisitor:
            return report.isPublished ? ReportAccess(level: .public, seesReporterIdentity: false) : nil
        case .reporter:
            return ReportAccess(level: .reporter, seesReporterIdentity: true)
        case .user(let user):
            let covering = user.grants.filter { grant in grant.role.readsReports && report.route.contains { grant.covers($0) } }
            let isReporter = report.reporterUserID != nil && report.reporterUserID == user.id
            if !covering.isEmpty {
                // An anonim reporter's identity stays sealed even to the roles that may know it, until that person
                // opens it with a reason.
                let mayOpen = covering.contains { $0.role.seesAnonymousIdentity }
                let identity = isReporter || !report.isAnonymous || (mayOpen && report.openedTo.contains(user.id))
                return ReportAccess(level: .staff, seesReporterIdentity: identity, mayOpenIdentity: mayOpen)
            }
            if isReporter { return ReportAccess(level: .reporter, seesReporterIdentity: true) }
            return report.isPublished ? ReportAccess(level: .public, seesReporterIdentity: false) : nil
        }
    }

    /// Someone may be several viewers at once (signed in, and holding a report's secret): they see the most
    /// that any of them may.
    public static func access(for viewers: [Viewer], to report: PrivacyFacts) -> ReportAccess? {
        let granted = viewers.compactMap { access(for: $0, to: report) }
        guard let level = granted.map(\.level).max() else { return nil }
        return ReportAccess(
            level: level, seesReporterIdentity: granted.contains { $0.seesReporterIdentity },
            mayOpenIdentity: granted.contains { $0.mayOpenIdentity })
    }

    /// Whether the reporter's name crosses to another instance with a hand-over (docs/federation.md): only for a report
    /// that is not anonim. Nothing else of the reporter ever crosses (contacts, channel, account), and the receiving
    /// side reads a name by this same rule, whatever the sender put in.
    public static func reporterNameCrossesToPeer(isAnonymous: Bool) -> Bool { !isAnonymous }

    /// Whether the reporter's name and contacts go with a report dispatched to a body's own Open311 system
    /// (docs/open311.md): only where the admin set that body to receive them, and never for an anonim report.
    public static func reporterCrossesToOpen311Body(isAnonymous: Bool, bodyReceivesContacts: Bool) -> Bool {
        bodyReceivesContacts && !isAnonymous
    }

    /// Whether a report may be sent to a body's Open311 system at all: a rahasia one only to a system that says it
    /// keeps reports secret (its service takes a `rahasia` attribute), so no system that does not know publishes it.
    public static func reportMayGoToOpen311Body(
        isConfidential: Bool, bodyKeepsReportsSecret: () async throws -> Bool
    ) async rethrows
        -> Bool
    {
        guard isConfidential else { return true }
        return try await bodyKeepsReportsSecret()
    }

    /// The route a report keeps after `decliner` said "not our authority" and it went back up to `newHolder`:
    /// the decliner's subtree leaves it (those who said it is not theirs stop reading it), except the
    /// institutions on the way to the new holder.
    public static func route(
        _ route: [InstitutionPath], afterDeclineBy decliner: InstitutionPath, to newHolder: InstitutionPath
    ) -> [InstitutionPath] {
        route.filter { !$0.isWithin(decliner) || newHolder.isWithin($0) }
    }

    public static func listScope(for viewer: Viewer) -> ListScope {
        switch viewer {
        case .publicVisitor, .reporter:
            return ListScope(everything: false, published: true, reporterUserID: nil, subtrees: [])
        case .user(let user):
            let roots = user.grants.filter(\.role.readsReports).map(\.scope)
            let everything = roots.contains { $0.depth == 0 }
            // Keep only the outermost subtrees: a grant inside another adds nothing.
            let outermost = roots.filter { path in !roots.contains { $0 != path && path.isStrictlyBelow($0) } }
            return ListScope(
                everything: everything, published: true, reporterUserID: user.id,
                subtrees: Array(Set(outermost)).sorted { $0.encoded < $1.encoded })
        }
    }
}
