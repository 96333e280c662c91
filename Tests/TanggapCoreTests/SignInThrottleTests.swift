import Foundation
import TanggapCore
import Testing

@Suite struct SignInThrottleTests {
    @Test func fourFailuresAreFreeThenTheWaitDoublesToTheFullLock() {
        let waits = (1...12).map { SignInThrottle.wait(afterFailures: $0) }
        #expect(waits == [nil, nil, nil, nil, 30, 60, 120, 240, 480, 900, 900, 900])
        #expect(SignInThrottle.wait(afterFailures: 0) == nil)
        #expect(SignInThrottle.wait(afterFailures: Int.max) == SignInThrottle.fullLock)
    }

    @Test func theOwnerHearsOnceWhenTheWaitingStartsAndOnceAtTheFullLock() {
        let notices = (1...30).compactMap { n in SignInThrottle.notice(afterFailures: n).map { (n, $0) } }
        #expect(notices.map(\.0) == [5, 10])
        #expect(notices.map(\.1) == [.slowedDown, .locked])
    }
}
