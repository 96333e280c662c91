import Crypto
import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The token buckets of `RateLimiter`, kept in PostgreSQL for every process at once. One statement refills a
/// bucket for the time since it was last used and takes a token when there is one; the row's lock orders two
/// processes asking at the same moment. Buckets are named by a digest: no address is written down.
enum SharedRateLimits {
    /// A bucket unused this long is full again, and forgotten by the maintenance sweep.
    static let idle: TimeInterval = 600

    /// Takes one token from `bucket`; returns the seconds to wait when there is none left.
    static func take(_ bucket: String, perMinute allowance: Int, now: Date, on db: any Database) async throws -> Int? {
        let rate = Double(allowance) / 60
        let full = Double(allowance)
        let name = Hex.string(Array(SHA256.hash(data: Data(bucket.utf8))))
        // The bucket as it stands now: what it held, plus what flowed in since, up to full.
        let refilled: SQLQueryString =
            "LEAST(\(literal: full), b.tokens + GREATEST(0, EXTRACT(EPOCH FROM (\(bind: now)::timestamptz - b.updated_at))) * \(literal: rate))"
        let row = try await db.sql.raw(
            """
            INSERT INTO rate_limit_buckets AS b (bucket, tokens, updated_at, taken) VALUES (\(bind: name), \(bind: full - 1), \(bind: now), true)
            ON CONFLICT (bucket) DO UPDATE SET
              taken = (\(refilled) >= 1),
              tokens = \(refilled) - CASE WHEN \(refilled) >= 1 THEN 1 ELSE 0 END,
              updated_at = \(bind: now)
            RETURNING taken, tokens
            """
        ).first()
        guard let row else { return nil }
        if try row.decode(column: "taken", as: Bool.self) { return nil }
        return RateLimiter.wait(tokens: try row.decode(column: "tokens", as: Double.self), rate: rate)
    }

    /// Forgets buckets nobody used for `idle`: they would be full anyway.
    static func sweep(now: Date, on db: any Database) async throws {
        try await db.sql.delete(from: "rate_limit_buckets").where("updated_at", .lessThan, SQLBind(now.addingTimeInterval(-idle))).run()
    }
}
