import Fluent
import Foundation
import TanggapCore

/// What an action on a report tells the peers, written to the federation outbox in the action's own transaction.
/// - A report that moves to a node standing for a peer is handed over to it; one that moves away from such a node (or
///   is archived there) is recalled from it, unless that peer itself sent it back.
/// - At the holder of a case handed in, what the origin's reporter must hear (an answer, a question, completion, a
///   return) and where the case stands go back to the origin.
/// - At the origin of a case handed out, what the reporter says (a reply, confirmation, a rating) goes to the holder.
/// Nothing goes back to the peer whose event caused the action.
enum FederationRelay {
    static func afterAction(
        _ transition: Transition, kind: EventKind, on report: ReportModel, causedBy sourcePeer: Int64?, context: TanggapContext,
        now: Date, on db: any Database
    ) async throws {
        let reportID = report.id!
        let links = try await FederationLinks.active(of: reportID, on: db)
        let handedIn = links.first { $0.direction == .handedIn }
        var handedOut = links.first { $0.direction == .handedOut }

        if let link = handedOut, transition.movedHolder || kind == .archive {
            try await FederationLinks.end(link, now: now, on: db)
            if link.peerID != sourcePeer {
                var payload = FederationPayload()
                payload.reason = transition.note
                try await FederationOutbox.enqueue(
                    .recalled, ref: link.ref, payload: payload, to: link.peerID, reportID: reportID, now: now, on: db)
            }
            handedOut = nil
        }
        if transition.movedHolder, let peer = try await Peers.route(atNode: transition.toHolder.institutionID, on: db) {
            let ownID = try await InstanceKeys.instanceID(settings: context.settings, now: now, on: db)
            let hops = (handedIn?.hopList ?? []) + [ownID]
            let ref = UUID().uuidString.lowercased()
            try await FederationLinks.create(
                reportID: reportID, peerID: peer.id, direction: .handedOut, ref: ref, remoteTrackingID: nil, hops: hops, now: now, on: db)
            let payload = try await Handover.payload(
                of: report, hops: hops, toInstitutionID: peer.remoteInstitutionID, context: context, on: db)
            try await FederationOutbox.enqueue(.handover, ref: ref, payload: payload, to: peer.id, reportID: reportID, now: now, on: db)
        }

        if let link = handedIn, link.peerID != sourcePeer {
            try await tellOrigin(transition, kind: kind, report: report, link: link, now: now, on: db)
        }
        if let link = handedOut, link.peerID != sourcePeer {
            try await tellHolder(transition, kind: kind, report: report, link: link, now: now, on: db)
        }
    }

    /// The reporter of these reports erased their account: every instance a case went to with their name forgets it
    /// too (`report.reporter_erased`), except the peer that told this one.
    static func reporterErased(_ reportIDs: [Int64], except sourcePeer: Int64?, now: Date, on db: any Database) async throws {
        for link in try await FederationLinks.handedOutWithName(ofReports: reportIDs, on: db) where link.peerID != sourcePeer {
            try await FederationOutbox.enqueue(
                .reporterErased, ref: link.ref, payload: FederationPayload(), to: link.peerID, reportID: link.reportID, now: now, on: db)
        }
    }

    /// At the holder: the reporter's news goes to the origin, and where the case stands after any public step.
    private static func tellOrigin(
        _ transition: Transition, kind: EventKind, report: ReportModel, link: FederationLinks.Link, now: Date, on db: any Database
    ) async throws {
        var payload = FederationPayload()
        var type: FederationEvent.Kind?
        switch kind {
        case .answer:
            type = .answer
            payload.text = transition.note
        case .hold:
            type = .question
            payload.text = transition.note
        case .confirm:
            type = .completed
            payload.text = transition.note
        case .notOurAuthority where transition.toState == .archived:
            type = .returned
            payload.reason = transition.note
        default:
            break
        }
        if let type {
            try await FederationOutbox.enqueue(
                type, ref: link.ref, payload: payload, to: link.peerID, reportID: report.id, now: now, on: db)
        }
        if type == .returned { try await FederationLinks.end(link, now: now, on: db) }
        if transition.audience == .public || transition.movedHolder || transition.fromState != transition.toState {
            let status = try await Handover.status(of: report, now: now, on: db)
            try await FederationOutbox.enqueue(
                .status, ref: link.ref, payload: status, to: link.peerID, reportID: report.id, now: now, on: db)
        }
    }

    /// At the origin: what the reporter says goes to the holder.
    private static func tellHolder(
        _ transition: Transition, kind: EventKind, report: ReportModel, link: FederationLinks.Link, now: Date, on db: any Database
    ) async throws {
        var payload = FederationPayload()
        let type: FederationEvent.Kind
        switch transition.action {
        case .reply(let text):
            type = .reporterReply
            payload.text = text
        case .confirm(let note):
            type = .completed
            payload.text = note
        case .rate(let rating, let comment):
            type = .rating
            payload.rating = rating.rawValue
            payload.comment = comment
        default:
            return
        }
        try await FederationOutbox.enqueue(type, ref: link.ref, payload: payload, to: link.peerID, reportID: report.id, now: now, on: db)
    }
}
