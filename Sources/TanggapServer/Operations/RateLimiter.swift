import Foundation
import Synchronization
import Vapor

/// Token buckets per client and purpose: a burst up to the per-minute allowance, refilled evenly.
/// Kept in memory, so each process counts on its own: the rule on SQLite, where one machine serves; on PostgreSQL
/// the buckets are shared in the database (`SharedRateLimits`) and this one stands in while the database is away.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    private let maxKeys: Int

    init(maxKeys: Int = 100_000) { self.maxKeys = maxKeys }

    /// Takes one token for `key`; returns the seconds to wait when there is none left.
    func take(_ key: String, perMinute allowance: Int, now: Date) -> Int? {
        let rate = Double(allowance) / 60
        return buckets.withLock { buckets in
            // Full: forget the tenth of the keys seen longest ago. Emptying everything instead would let anyone
            // with many addresses reset everybody's limit; the oldest are the ones nearest to full anyway.
            if buckets[key] == nil, buckets.count >= maxKeys {
                let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(max(1, maxKeys / 10))
                for (stale, _) in oldest { buckets[stale] = nil }
            }
            var bucket = buckets[key] ?? Bucket(tokens: Double(allowance), updated: now)
            bucket.tokens = min(Double(allowance), bucket.tokens + now.timeIntervalSince(bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                buckets[key] = bucket
                return nil
            }
            buckets[key] = bucket
            return Self.wait(tokens: bucket.tokens, rate: rate)
        }
    }

    /// Whole seconds until a bucket holding `tokens` (less than one) refilled at `rate` per second holds one.
    static func wait(tokens: Double, rate: Double) -> Int {
        max(1, Int(((1 - tokens) / rate).rounded(.up)))
    }
}

extension Request {
    /// The client's address: the peer, or the proxy's `X-Forwarded-For` when the deployment trusts its proxy.
    var clientAddress: String {
        if tanggap.settings.trustForwardedFor,
            let forwarded = headers.first(name: .xForwardedFor)?.split(separator: ",").last
        {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }

    /// Refuses the request with 429 when the client (or `key`, an account) has used up its allowance for `limit`.
    /// On PostgreSQL every process counts in the same buckets.
    func enforceRateLimit(_ limit: RateLimited, key: String? = nil) async throws {
        let allowance = limit.perMinute(tanggap.settings.rateLimits)
        let bucket = "\(limit.rawValue):\(key ?? clientAddress)"
        var wait: Int?
        if tanggap.settings.database.isPostgres {
            do {
                wait = try await SharedRateLimits.take(bucket, perMinute: allowance, now: now, on: db)
            } catch {
                // The limit is no reason to refuse while the database is away: this process counts alone meanwhile.
                logger.warning("shared rate limit unavailable", metadata: ["error": .string(String(describing: error))])
                wait = tanggap.limiter.take(bucket, perMinute: allowance, now: now)
            }
        } else {
            wait = tanggap.limiter.take(bucket, perMinute: allowance, now: now)
        }
        if let wait { throw APIError.rateLimited(retryAfter: wait) }
    }
}

/// What is rate-limited, each counted apart, and the setting that gives its allowance.
enum RateLimited: String {
    case signIn = "login"
    case submission = "submit"
    case tracking = "track"
    case reporterAction = "reporter-action"
    case participation
    case flag
    case flagByAccount = "flag-account"
    case secretCheck = "secret"
    /// New reports through one Open311 app's key.
    case open311

    func perMinute(_ limits: RateLimitSettings) -> Int {
        switch self {
        case .signIn: limits.loginsPerMinute
        case .submission: limits.submissionsPerMinute
        case .tracking, .reporterAction, .participation: limits.reporterActionsPerMinute
        case .flag, .flagByAccount: limits.flagsPerMinute
        case .secretCheck: limits.secretChecksPerMinute
        case .open311: limits.open311RequestsPerMinute
        }
    }
}
