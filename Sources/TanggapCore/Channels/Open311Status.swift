/// How a report's state reads in Open311 GeoReport v2: the spec's two statuses, and the finer `extended_status`
/// of FixMyStreet's extension, which city apps show to their users.
public enum Open311Status {
    /// `open` while someone still has to act, else `closed`.
    public static func status(_ state: ReportState) -> String {
        state.isOpen ? "open" : "closed"
    }

    /// FixMyStreet's words for the same step. An archived report says why it was closed, as FixMyStreet does.
    public static func extended(_ state: ReportState, archivedAs reason: ArchiveReason?) -> String {
        switch state {
        case .received: "open"
        case .verified, .onHold: "investigating"
        case .dispatched: "in progress"
        case .answered: "action scheduled"
        case .completed: "fixed"
        case .archived:
            switch reason {
            case .duplicate?: "duplicate"
            case .outOfScope?: "not councils responsibility"
            case .unclear?: "no further action"
            case .spam?, nil: "closed"
            }
        }
    }

    /// The extended statuses a body's system may send back, in the one spelling Tanggap reads: FixMyStreet and the
    /// CRMs that follow it write `IN_PROGRESS`, `in progress` or `In Progress` for the same thing.
    public static func normalized(_ raw: String) -> String {
        raw.lowercased().split { $0 == "_" || $0 == " " }.joined(separator: " ")
    }

    /// Statuses that end the work at the body: the report is done there, fixed or not.
    public static let finished: Set<String> = [
        "closed", "fixed", "duplicate", "not councils responsibility", "no further action", "unable to fix", "internal referral",
    ]
}
