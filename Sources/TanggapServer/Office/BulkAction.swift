import TanggapCore

/// What the inbox may do to many reports at once, as its form names it.
enum BulkAction: String, CaseIterable, Sendable {
    /// Send each on to one institution.
    case dispatch
    /// Archive each as spam.
    case spam

    /// The report action each report gets, with the fields it needs.
    func action(institutionID: Int64?) -> (EventKind, ActionRequest) {
        var request = ActionRequest()
        switch self {
        case .dispatch:
            request.institutionID = institutionID
            return (.dispatch, request)
        case .spam:
            request.archiveReason = ArchiveReason.spam.rawValue
            return (.archive, request)
        }
    }
}
