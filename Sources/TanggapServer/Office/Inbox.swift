import Fluent
import Foundation
import TanggapCore

/// The staff inbox: the same reports cut seven ways, each a question a liaison officer asks every morning.
/// Every tab looks only at reports held now within the person's own subtrees.
enum InboxTab: String, CaseIterable, Sendable {
    /// Not picked up yet: waiting for verification or dispatch, or dispatched and not yet assigned or answered.
    case new = "baru"
    /// Assigned to me and still open.
    case mine = "saya"
    /// With a unit of mine and not someone else's: to be answered, including reports a reporter's reply sent back.
    case waiting = "menunggu"
    /// Due within two days and not late yet.
    case dueSoon = "segera"
    case late = "terlambat"
    case onHold = "ditunda"
    /// Answered; the reporter may reply or confirm.
    case answered = "dijawab"

    /// The work every tab cuts: open reports held now within the person's own subtrees.
    static func openWork(for user: SignedInUser) -> ReportFilter {
        var filter = ReportFilter()
        filter.heldWithin = user.grants.map(\.scope)
        filter.states = ReportState.allCases.filter(\.isOpen)
        return filter
    }

    func filter(for user: SignedInUser) -> ReportFilter {
        var filter = Self.openWork(for: user)
        switch self {
        case .new:
            filter.states = [.received, .verified, .dispatched]
            filter.assignee = .nobody
            filter.neverAnswered = true
        case .mine:
            filter.states = [.received, .verified, .dispatched, .onHold, .answered]
            filter.assignee = .person(user.id)
        case .waiting:
            filter.states = [.dispatched]
            filter.assignee = .personOrNobody(user.id)
        case .dueSoon:
            filter.dueWithinDays = 2
        case .late:
            filter.late = true
        case .onHold:
            filter.states = [.onHold]
        case .answered:
            filter.states = [.answered]
        }
        return filter
    }

    /// Open work is read by its deadline; the answered by their newest.
    var sortsByDue: Bool { self != .answered }
}
