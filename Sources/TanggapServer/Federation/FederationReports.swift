import Fluent
import Foundation
import TanggapCore

/// What a peer's `report.*` event does here, in the transaction that records the event. Each event is checked
/// against the link it names: a holder's news only for a case handed out to that peer, an origin's only for a case
/// handed in from it. Then it is the same action a person here would take, through the same lifecycle and the same
/// outbox — so an answer from the holder reaches the reporter on their own channel exactly as a local one does.
/// An event the lifecycle cannot apply (the case moved on meanwhile) is received, declined with the rule's code, and
/// never applied later.
enum FederationReports {
    static func apply(
        _ event: FederationEvent, from peer: Peers.Route, context: TanggapContext, now: Date, on db: any Database
    ) async throws
        -> String
    {
        guard let kind = event.kind, let ref = event.report?.lowercased() else { return "ignored" }
        if kind == .handover { return try await takeIn(event, ref: ref, from: peer, context: context, now: now, on: db) }
        guard let link = try await FederationLinks.find(peerID: peer.id, ref: ref, on: db) else { return "declined: unknown_report" }
        // The holder's news is about a case handed out to it; the origin's, about a case handed in from it.
        // Completion goes either way.
        let direction: FederationLinks.Direction? =
            switch kind {
            case .accepted, .status, .answer, .question, .returned: .handedOut
            case .reporterReply, .rating, .recalled, .reporterErased: .handedIn
            case .completed, .handover, .peerHello: nil
            }
        if let direction, link.direction != direction { return "declined: wrong_direction" }

        let payload = event.payload
        var request = ActionRequest()
        let action: EventKind
        var actor = Actor.peer
        var attributed = EventActor.peer(institutionID: link.direction == .handedOut ? peer.institutionID : nil)
        switch kind {
        case .accepted:
            try await FederationLinks.noteAccepted(link, trackingID: payload.trackingID ?? "", now: now, on: db)
            if payload.state != nil { try await FederationLinks.noteStatus(link, payload, at: event.createdAt, now: now, on: db) }
            return "applied"
        case .status:
            try await FederationLinks.noteStatus(link, payload, at: event.createdAt, now: now, on: db)
            return "applied"
        case .answer:
            action = .answer
            request.text = payload.text
        case .question:
            action = .hold
            request.question = payload.text
        case .returned:
            action = .notOurAuthority
            request.reason = payload.reason
        case .completed:
            action = .confirm
            request.note = payload.text
            if link.direction == .handedIn { (actor, attributed) = (.reporter, .reporter) }
        case .reporterReply:
            action = .reply
            request.text = payload.text
            (actor, attributed) = (.reporter, .reporter)
        case .rating:
            action = .rate
            request.rating = payload.rating
            request.comment = payload.comment
            (actor, attributed) = (.reporter, .reporter)
        case .reporterErased:
            // A person's right, not a step of the case: it holds whatever the link's state.
            try await AccountErasure.forgetReporter(ofReports: [link.reportID], except: peer.id, now: now, on: db)
            return "applied"
        case .recalled:
            action = .archive
            request.archiveReason = ArchiveReason.outOfScope.rawValue
            request.note = payload.reason
        case .handover, .peerHello:
            return "ignored"
        }
        guard link.isActive else { return "declined: link_ended" }
        // Taken back: whatever the lifecycle says of the archive, nothing more goes to the origin on this link.
        if kind == .recalled { try await FederationLinks.end(link, now: now, on: db) }
        do {
            _ = try await ReportActions.perform(
                action, request, on: link.reportID, by: actor, attributedTo: attributed, channel: .federation, fromPeer: peer.id,
                context: context, on: db)
            return "applied"
        } catch let error as TransitionError {
            guard case .invalid(let failure) = error else { return "declined: \(error.code)" }
            return "declined: \(error.code)" + fieldsSaying(failure.errors)
        } catch let error as APIError {
            return "declined: \(error.code)" + fieldsSaying(error.fields)
        } catch let error as ValidationFailure {
            return "declined: validation_failed" + fieldsSaying(error.errors)
        }
    }

    /// Which fields were wrong and how (`text too_long`), for the sender's outbox row and the receipt.
    private static func fieldsSaying(_ errors: [FieldError]) -> String {
        errors.isEmpty ? "" : " (" + errors.map { "\($0.field) \($0.code.rawValue)" }.joined(separator: ", ") + ")"
    }

    /// A case handed over: taken in and acknowledged with this instance's tracking id and where it stands, or — a loop, or a case the
    /// intake rules refuse — sent straight back, so the origin routes it again.
    private static func takeIn(
        _ event: FederationEvent, ref: String, from peer: Peers.Route, context: TanggapContext, now: Date, on db: any Database
    ) async throws -> String {
        if try await FederationLinks.find(peerID: peer.id, ref: ref, on: db) != nil { return "declined: known_report" }
        let ownID = try await InstanceKeys.instanceID(settings: context.settings, now: now, on: db)
        do {
            let taken = try await Handover.takeIn(event, from: peer, ownID: ownID, context: context, on: db)
            try await FederationLinks.create(
                reportID: taken.receipt.reportID, peerID: peer.id, direction: .handedIn, ref: ref,
                remoteTrackingID: event.payload.trackingID,
                hops: event.payload.hops ?? [], now: now, on: db)
            // Taken in, and where it stands here, in one event.
            var accepted = try await Handover.status(of: taken.report, now: now, on: db)
            accepted.trackingID = taken.receipt.trackingID.display
            try await FederationOutbox.enqueue(
                .accepted, ref: ref, payload: accepted, to: peer.id, reportID: taken.receipt.reportID, now: now, on: db)
            return "applied"
        } catch let refusal as Handover.Refusal {
            var returned = FederationPayload()
            let language = context.settings.language
            switch refusal {
            case .loop:
                returned.reason = context.localizer.text("federation.returned_loop", language)
            case .invalid(let fields):
                returned.reason = context.localizer.text("federation.returned_invalid", language, ["fields": fields])
            }
            try await FederationOutbox.enqueue(.returned, ref: ref, payload: returned, to: peer.id, reportID: nil, now: now, on: db)
            return "returned"
        }
    }
}
