import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapServer

/// A rate limit is the deployment's, not a process's: on PostgreSQL two servers count in the same buckets.
@Suite struct SharedRateLimitTests {
    @Test func fortySubmissionsThroughTwoServersFromOneAddressMeetOneLimit() async throws {
        try await withTestApp(configure: { $0.rateLimits.submissionsPerMinute = 20 }) { app in
            let world = try await World.build(app)
            try await withSecondServer(beside: app) { second in
                var statuses: [HTTPStatus] = []
                for n in 0..<40 {
                    let server = n % 2 == 0 ? app : second
                    statuses.append(try await server.request(.POST, "/api/v1/reports", json: world.reportFields()).status)
                }
                let accepted = statuses.filter { $0 == .created }.count
                // The test clock stands still, so no token flows back in during the run.
                if TestDatabase.postgresURL != nil {
                    #expect(accepted == 20, "one limit for the deployment")
                    let buckets = try await app.db.sql.select().column("bucket").from("rate_limit_buckets").all(
                        decodingColumn: "bucket", as: String.self)
                    #expect(
                        buckets.count == 1 && !buckets[0].contains("unknown") && !buckets[0].contains("submit"), "a digest, not the address"
                    )
                } else {
                    #expect(accepted == 40, "on SQLite each process counts on its own")
                }
                #expect(statuses.filter { $0 == .tooManyRequests }.count == 40 - accepted)
            }
        }
    }

    @Test func aSharedBucketRefillsWithTimeAndSaysHowLongToWait() async throws {
        guard TestDatabase.postgresURL != nil else { return }
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let now = clock.now
            for _ in 0..<6 { #expect(try await SharedRateLimits.take("t:a", perMinute: 6, now: now, on: app.db) == nil) }
            #expect(try await SharedRateLimits.take("t:a", perMinute: 6, now: now, on: app.db) == 10, "one token every 10 s")
            #expect(try await SharedRateLimits.take("t:b", perMinute: 6, now: now, on: app.db) == nil, "each client its own bucket")
            #expect(try await SharedRateLimits.take("t:a", perMinute: 6, now: now.addingTimeInterval(10), on: app.db) == nil)
            #expect(try await SharedRateLimits.take("t:a", perMinute: 6, now: now.addingTimeInterval(10), on: app.db) != nil)
            // Never fuller than the allowance however long it rests; idle buckets are swept.
            let later = now.addingTimeInterval(3_600)
            for _ in 0..<6 { #expect(try await SharedRateLimits.take("t:a", perMinute: 6, now: later, on: app.db) == nil) }
            #expect(try await SharedRateLimits.take("t:a", perMinute: 6, now: later, on: app.db) != nil)
            try await SharedRateLimits.sweep(now: later.addingTimeInterval(SharedRateLimits.idle + 1), on: app.db)
            #expect(try await app.db.sql.select().column("bucket").from("rate_limit_buckets").all().isEmpty)
        }
    }
}
