import Crypto
import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// Requests sent with an idempotency key, remembered for a day so that a retry files once (the semantics of
/// Stripe's API and of the IETF httpapi draft): the same request again gets the first outcome again; the same key
/// with another request is refused; a retry while the first still runs is told to come back.
///
/// Nothing readable is kept. A row is found by a digest of the client and its key, and the outcome (which may hold a
/// report's secret, or the cookie that shows it) is sealed with a key derived from the two: a copy of the database
/// does not give a receipt away, nor tie an account or an address to the report it filed.
enum IdempotencyKeys {
    /// How long a key is remembered (the sweep in the maintenance task forgets older ones).
    static let kept: TimeInterval = 86_400
    /// How long a first request may run before a retry may take its key over (its process may have died).
    static let lease: TimeInterval = 120

    /// A client's key: who sent it (an account, an address, a browser) and the key itself.
    struct Holder {
        let lookup: String
        let sealing: SymmetricKey

        init(client: String, key: String) {
            let material = Data("\(client)\u{0}\(key)".utf8)
            lookup = Hex.string(Array(SHA256.hash(data: material)))
            sealing = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: material), info: Data("tanggap idempotency outcome".utf8), outputByteCount: 32)
        }
    }

    /// A response as it was first given.
    struct Outcome: Codable, Sendable {
        let status: UInt
        let headers: [[String]]
        let body: Data

        init(status: UInt, headers: [[String]], body: Data) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        var response: Response {
            var fields = HTTPHeaders()
            for pair in headers where pair.count == 2 { fields.add(name: pair[0], value: pair[1]) }
            return Response(status: HTTPResponseStatus(statusCode: Int(status)), headers: fields, body: .init(data: body))
        }
    }

    enum Claim: Sendable {
        /// This request runs; its row is `id`.
        case claimed(id: Int64)
        /// The same request ran before: here is its outcome.
        case done(Outcome)
        /// The key came with another request.
        case mismatch
        /// The first request with this key is still running.
        case running
    }

    /// Claims `holder`'s key for a request with `fingerprint`, or says why not.
    static func claim(_ holder: Holder, fingerprint: String, now: Date, on db: any Database) async throws -> Claim {
        // Twice at most: a row swept between the insert and the read is claimed on the second round.
        for _ in 0..<2 {
            let inserted = try await db.sql.insert(into: "idempotency_keys")
                .columns("lookup", "fingerprint", "created_at", "claimed_until")
                .values(SQLBind(holder.lookup), SQLBind(fingerprint), SQLBind(now), SQLBind(now.addingTimeInterval(lease)))
                .ignoringConflicts(with: ["lookup"]).returning("id").first(decodingColumn: "id", as: Int64.self)
            if let id = inserted { return .claimed(id: id) }
            guard
                let row = try await db.sql.select().columns("id", "fingerprint", "claimed_until", "outcome").from("idempotency_keys")
                    .where("lookup", .equal, SQLBind(holder.lookup)).first()
            else { continue }
            guard try row.decode(column: "fingerprint", as: String.self) == fingerprint else { return .mismatch }
            if let sealed = try row.decode(column: "outcome", as: Data?.self) {
                return .done(try open(sealed, with: holder))
            }
            let id = try row.decode(column: "id", as: Int64.self)
            guard try row.decode(column: "claimed_until", as: Date.self) <= now else { return .running }
            let taken = try await db.sql.update("idempotency_keys")
                .set("claimed_until", to: SQLBind(now.addingTimeInterval(lease)))
                .where("id", .equal, SQLBind(id)).where("outcome", .is, SQLLiteral.null)
                .where("claimed_until", .lessThanOrEqual, SQLBind(now))
                .returning("id").first(decodingColumn: "id", as: Int64.self)
            return taken.map { .claimed(id: $0) } ?? .running
        }
        return .running
    }

    /// Keeps `outcome` as the answer to every retry of the claimed request.
    static func complete(_ id: Int64, with outcome: Outcome, holder: Holder, on db: any Database) async throws {
        try await db.sql.update("idempotency_keys").set("outcome", to: SQLBind(try seal(outcome, with: holder)))
            .where("id", .equal, SQLBind(id)).run()
    }

    /// Lets go of a claim whose outcome is not kept (a failure a retry may not meet again), so a retry runs anew.
    static func release(_ id: Int64, on db: any Database) async throws {
        try await db.sql.delete(from: "idempotency_keys").where("id", .equal, SQLBind(id))
            .where("outcome", .is, SQLLiteral.null).run()
    }

    /// Forgets keys older than a day.
    static func sweep(now: Date, on db: any Database) async throws {
        try await db.sql.delete(from: "idempotency_keys").where("created_at", .lessThan, SQLBind(now.addingTimeInterval(-kept)))
            .run()
    }

    private static func seal(_ outcome: Outcome, with holder: Holder) throws -> Data {
        let plain = try JSONEncoder().encode(outcome)
        // Combined is nil only for a nonce of another size than the default one used here.
        guard let sealed = try AES.GCM.seal(plain, using: holder.sealing).combined else { throw Abort(.internalServerError) }
        return sealed
    }

    private static func open(_ sealed: Data, with holder: Holder) throws -> Outcome {
        let plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: sealed), using: holder.sealing)
        return try JSONDecoder().decode(Outcome.self, from: plain)
    }
}
