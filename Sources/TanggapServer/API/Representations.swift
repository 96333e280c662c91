import Foundation
import TanggapCore
import Vapor

/// The shapes the API answers with. Field names become snake_case on the wire.
struct Named: Content, Equatable {
    let id: Int64
    let name: String
}

struct ReportRepresentation: Content {
    struct Original: Content {
        let title: String
        let classification: Classification
        let categoryID: Int64?
        let subcategoryID: Int64?
    }

    struct Location: Content {
        let text: String?
        let region: Named?
        let latitude: Double?
        let longitude: Double?
    }

    struct Reporter: Content {
        let name: String?
        let email: String?
        let phone: String?
        let userID: Int64?
    }

    /// Where the report stands against its deadlines; absent once it is closed.
    struct Deadlines: Content {
        let stage: SLAStage
        let light: TrafficLight
        let dueAt: Date
        let caseDueAt: Date?
        let onHoldSince: Date?
        let isLate: Bool
    }

    let trackingID: String
    let state: ReportState
    let classification: Classification
    let title: String
    let body: String
    let original: Original
    let tags: [String]
    let eventDate: String?
    let location: Location
    let category: Named?
    let subcategory: Named?
    let targetInstitution: Named?
    let holder: Named
    let assignee: Named?
    let isAnonymous: Bool
    let isConfidential: Bool
    let isEscalated: Bool
    let channel: TanggapCore.Channel
    /// For a report from an Open311 app: the app, as the national admin named it when issuing its key.
    let channelApp: String?
    let archiveReason: ArchiveReason?
    let duplicateOf: String?
    let rating: Rating?
    let reporter: Reporter?
    /// When the reporter erased their account ("pelapor menghapus akunnya"); the report itself stays.
    let reporterErasedAt: Date?
    let createdAt: Date
    let updatedAt: Date
    let verifiedAt: Date?
    let dispatchedAt: Date?
    let firstAnsweredAt: Date?
    let completedAt: Date?
    let archivedAt: Date?
    let escalatedAt: Date?
    let deadlines: Deadlines?
    var attachments: [AttachmentRepresentation]?
    let actions: [String]
    let access: String
    /// The reporter is anonim and this viewer may open the identity, with a reason (`POST …/identity-openings`).
    let identitySealed: Bool
    /// When an anonim reporter's identity was opened, and under which role: told to the reporter and to staff.
    var identityOpenings: [IdentityReveals.Opening]?
    /// The report's latest hand-over across the border each way (docs/federation.md): to the peer that holds it, with
    /// where it stands there, or from the peer it came from.
    var handovers: [HandoverRepresentation]?
}

struct HandoverRepresentation: Content {
    /// `handed_out` (the peer holds the case) or `handed_in` (the case came from the peer).
    let direction: FederationLinks.Direction
    let peer: String
    /// The case's tracking id at the peer.
    let remoteTrackingID: String?
    let isActive: Bool
    /// For a case handed out: what the holder last said of it.
    let remoteState: ReportState?
    let remoteHolder: String?
    let remoteDueAt: Date?
    let remoteLight: TrafficLight?
}

struct AttachmentRepresentation: Content {
    let id: String
    let name: String
    let contentType: String
    let size: Int64
    let url: String
}

struct EventRepresentation: Content {
    struct Actor: Content {
        /// reporter, staff or system
        let kind: String
        let name: String?
        let institution: Named?
    }

    struct Details: Content {
        let archiveReason: ArchiveReason?
        let duplicateOf: String?
        let assignee: Named?
        let rating: Rating?
        let title: String?
        let classification: Classification?
        let categoryID: Int64?
        let subcategoryID: Int64?
        let tags: [String]?
        let dueAt: Date?
        let pausedWorkingDays: Int?
        let light: TrafficLight?
        let notifiedInstitution: Named?
    }

    let seq: Int
    let kind: EventKind
    let at: Date
    let fromState: ReportState
    let toState: ReportState
    let fromInstitution: Named
    let toInstitution: Named
    let note: String?
    let channel: TanggapCore.Channel
    let audience: EventAudience
    let actor: Actor
    let details: Details?
    let attachments: [AttachmentRepresentation]
}

struct Page<Item: Content>: Content {
    let items: [Item]
    let nextCursor: String?
}

struct Items<Item: Content>: Content {
    let items: [Item]
}
