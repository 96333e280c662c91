import Fluent
import SQLKit

/// Federation: this instance's identity and signing keys, and the peers it trusts. A peer is pinned: its keys are
/// stored when an admin confirms their fingerprint, and a key change is never taken silently.
struct M0033_CreateFederation: AsyncMigration {
    var name: String { "M0033_CreateFederation" }

    func prepare(on database: any Database) async throws {
        try await database.schema("federation_identity")
            .field("id", .int, .identifier(auto: false))
            .field("instance_id", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema("federation_keys")
            .field("key_id", .string, .identifier(auto: false))
            // The Ed25519 public key, raw, base64url.
            .field("public_key", .string, .required)
            // The private seed, on PostgreSQL only, so that every process of the instance signs with it; on SQLite it
            // is a file of its own with mode 0600 in the data folder.
            .field("private_key", .string)
            .field("created_at", .datetime, .required)
            // A retired key still verifies what was signed before, until its grace period ends.
            .field("retired_at", .datetime)
            .create()
        try await database.schema("federation_peers")
            .field("id", .int64, .identifier(auto: true))
            .field("instance_id", .string, .required)
            .field("name", .string, .required)
            .field("base_url", .string, .required)
            .field("inbox_url", .string, .required)
            // The node of the local tree that stands for the peer: a dispatch to it crosses the border.
            .field("institution_id", .int64, .required, .references("institutions", "id"))
            .field("remote_institution_id", .int64)
            // active or suspended.
            .field("status", .string, .required)
            // The pinned keys, JSON [{id, public_key}], as confirmed by the admin.
            .field("keys", .string, .required)
            .field("fingerprint", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // The link's health, for the admin: the last signed request received from the peer, the last one it
            // accepted from here, and the last refusal or failure, with when.
            .field("last_received_at", .datetime)
            .field("last_delivered_at", .datetime)
            .field("last_error", .string)
            .field("last_error_at", .datetime)
            .unique(on: "instance_id")
            .unique(on: "institution_id")
            .create()
        // Every event accepted from a peer, by its id: a repeated one is acknowledged again and applied once.
        try await database.schema("federation_inbox")
            .field("id", .int64, .identifier(auto: true))
            .field("sender", .string, .required)
            .field("event_id", .string, .required)
            .field("type", .string, .required)
            .field("created_at", .datetime, .required)
            .field("received_at", .datetime, .required)
            .unique(on: "sender", "event_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("federation_inbox").delete()
        try await database.schema("federation_peers").delete()
        try await database.schema("federation_keys").delete()
        try await database.schema("federation_identity").delete()
    }
}
