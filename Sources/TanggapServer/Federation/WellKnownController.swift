import Fluent
import Foundation
import Vapor

/// `GET /.well-known/tanggap`: who this instance is, for a peer's admin to pin — its id and name, the keys that sign
/// its requests (with the retired ones still accepted), where to send events, and which protocol it speaks.
enum WellKnownController {
    static let protocolVersion = "tanggap-federation/1"

    static func register(_ app: Application) {
        app.get(".well-known", "tanggap", use: document)
    }

    struct Document: Content {
        struct Key: Content {
            let id: String
            let algorithm: String
            let publicKey: String
            let fingerprint: String
            let createdAt: Date
            let expiresAt: Date?
        }
        struct Software: Content {
            let name: String
            let version: String
        }
        let instanceID: String
        let name: String
        let `protocol`: String
        let software: Software
        let inbox: String
        let keys: [Key]
    }

    @Sendable static func document(_ req: Request) async throws -> Document {
        let settings = req.tanggap.settings
        let identity = try await InstanceKeys.load(settings: settings, now: req.now, on: req.db)
        return Document(
            instanceID: identity.instanceID, name: try await instanceName(req), protocol: protocolVersion,
            software: .init(name: "Tanggap", version: TanggapRelease.version), inbox: settings.publicURL + FederationInbox.path,
            keys: identity.keys.map {
                .init(
                    id: $0.id, algorithm: "ed25519", publicKey: $0.publicKey,
                    fingerprint: InstanceKeys.fingerprint(ofPublicKey: $0.publicKey),
                    createdAt: $0.createdAt, expiresAt: $0.expiresAt)
            })
    }

    static func instanceName(_ req: Request) async throws -> String {
        try await instanceName(settings: req.tanggap.settings, on: req.db)
    }

    /// `TANGGAP_INSTANCE_NAME`, or the top institution's name.
    static func instanceName(settings: Settings, on db: any Database) async throws -> String {
        if let name = settings.instanceName { return name }
        return try await InstitutionDirectory.root(on: db)?.name ?? "Tanggap"
    }
}

/// Where peers send their events.
enum FederationInbox {
    static let path = "/federation/v1/inbox"
}
