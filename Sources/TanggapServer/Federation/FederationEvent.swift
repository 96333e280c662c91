import Foundation

/// One event between instances (docs/federation.md): a UUID unique per sender, its type, who sent it and when, the
/// hand-over it is about, and what it carries. The envelope is the same for every type; which payload fields a type
/// uses is written beside each kind.
struct FederationEvent: Codable, Sendable {
    let id: String
    let type: String
    let sender: String
    let createdAt: Date
    /// The hand-over's reference (a UUID the origin made when it handed the case across), for `report.*` events.
    var report: String? = nil
    var payload = FederationPayload()

    enum Kind: String, CaseIterable {
        /// A signed greeting: proves both sides have pinned each other, and shows the link as healthy. `name`.
        case peerHello = "peer.hello"
        /// Origin → holder: the case. `title`, `body`, `classification`, `category`, `subcategory`, `region`,
        /// `province`, `event_date`, `location_text`, `latitude`, `longitude`, `is_anonymous`, `is_confidential`,
        /// `reporter_name` (never for an anonim report), `tracking_id` (the origin's), `submitted_at`, `hops`,
        /// `to_institution_id`, `files`.
        case handover = "report.handover"
        /// Holder → origin: taken in, under the holder's `tracking_id`, and where it stands (as `report.status`).
        case accepted = "report.accepted"
        /// Holder → origin: where the case stands there. `state`, `holder`, `due_at`, `light`.
        case status = "report.status"
        /// Holder → origin: an answer for the reporter. `text`.
        case answer = "report.answer"
        /// Holder → origin: a question for the reporter; the holder's clock waits. `text`.
        case question = "report.question"
        /// Origin → holder: what the reporter wrote back. `text`.
        case reporterReply = "report.reporter_reply"
        /// Origin → holder: the reporter's rating. `rating`, `comment`.
        case rating = "report.rating"
        /// Either way: the case was confirmed done (by the reporter at the origin, or by the holder's clock). `text`.
        case completed = "report.completed"
        /// Holder → origin: not the holder's authority; the origin routes it again. `reason`.
        case returned = "report.returned"
        /// Origin → holder: the origin took the case back (it routed it elsewhere). `reason`.
        case recalled = "report.recalled"
        /// Origin → holder: the reporter erased their account; the holder forgets their name too, and passes it on to
        /// wherever it handed the case. Sent only for a case that carried a name. No payload.
        case reporterErased = "report.reporter_erased"
    }

    var kind: Kind? { Kind(rawValue: type) }

    /// What an event must be before anything in it is used. The fields themselves are checked by the rules that use
    /// them (intake for a hand-over, the lifecycle for the rest), as for any report.
    var isWellFormed: Bool {
        guard UUID(uuidString: id) != nil, UUID(uuidString: sender) != nil, let kind else { return false }
        if kind == .peerHello { return true }
        return report.flatMap(UUID.init(uuidString:)) != nil && (payload.hops?.count ?? 0) <= FederationPayload.hopLimit + 1
    }
}

/// Every field any event type carries; each type reads its own (see `FederationEvent.Kind`).
struct FederationPayload: Codable, Sendable {
    /// How many instances a case may pass through before the next one refuses it.
    static let hopLimit = 8

    var name: String?
    var trackingID: String?
    var title: String?
    var body: String?
    var classification: String?
    var category: String?
    var subcategory: String?
    var region: String?
    var province: String?
    var eventDate: String?
    var locationText: String?
    var latitude: Double?
    var longitude: Double?
    var isAnonymous: Bool?
    var isConfidential: Bool?
    var reporterName: String?
    var submittedAt: Date?
    /// The instance ids the case has passed through, the origin first: a hand-over back to one of them is refused.
    var hops: [String]?
    var toInstitutionID: Int64?
    var files: [File]?
    var text: String?
    var reason: String?
    var state: String?
    var holder: String?
    var dueAt: Date?
    var light: String?
    var rating: String?
    var comment: String?

    /// A file as stored at the origin (so an image's metadata is already gone), base64.
    struct File: Codable, Sendable {
        let name: String
        let data: String
    }

    init(name: String? = nil) { self.name = name }
}
