import Foundation
import Synchronization
import Testing

@testable import TanggapServer

/// The helper that backs up, restores and verifies a bucket's files several at a time.
@Suite struct ConcurrentMapTests {
    @Test func resultsKeepTheItemsOrderAndNoMoreThanTheWidthRunAtOnce() async throws {
        let running = Mutex((now: 0, most: 0))
        let doubled = try await mapConcurrently(Array(0..<50), width: 4) { n -> Int in
            running.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...5)))
            running.withLock { $0.now -= 1 }
            return n * 2
        }
        #expect(doubled == Array(0..<50).map { $0 * 2 })
        #expect(running.withLock { $0.most } == 4)
    }

    @Test func aFailureIsThrown() async {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await mapConcurrently(Array(0..<20)) { n in if n == 13 { throw Refused() } }
        }
    }

    @Test func noItemsNoWork() async throws {
        #expect(try await mapConcurrently([Int]()) { $0 }.isEmpty)
    }
}
