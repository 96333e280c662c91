import Foundation

/// One event between instances (docs/federation.md): a UUID unique per sender, its type, who sent it and when, and
/// what it carries. The envelope is the same for every type; what `payload` holds depends on `type`.
struct FederationEvent: Codable, Sendable {
    let id: String
    let type: String
    let sender: String
    let createdAt: Date
    var payload: [String: String] = [:]

    enum Kind: String, CaseIterable {
        /// A signed greeting: proves both sides have pinned each other, and shows the link as healthy.
        case peerHello = "peer.hello"
    }

    /// What an event must be before anything in it is used.
    var isWellFormed: Bool {
        UUID(uuidString: id) != nil && UUID(uuidString: sender) != nil && Kind(rawValue: type) != nil && payload.count <= 50
            && payload.allSatisfy { $0.key.count <= 100 && $0.value.count <= 10_000 }
    }
}
