import Foundation

/// How hard one account's password can be guessed, from however many addresses. The per-address rate limit stops
/// one machine; this stops a botnet spread over many, which the per-address limit never sees.
///
/// The first four failures in a row cost nothing (people mistype); each failure after that makes the account wait,
/// 30 s doubling up to a full lock of 15 minutes. While the account waits, sign-in is refused before the password is
/// checked, so a guess made then tells nothing and costs nothing. The owner is told by e-mail when the waiting starts
/// and when the full lock is reached, so they learn of the attack and can change the password. A right sign-in
/// (password and, where there is one, the second factor) clears the count.
///
/// The lock is bounded on purpose: an attacker can make the owner wait a quarter of an hour, never lock them out for
/// good, and can try at most four passwords in each quarter of an hour once the lock is full.
public enum SignInThrottle {
    public static let freeFailures = 4
    public static let firstWait: TimeInterval = 30
    public static let fullLock: TimeInterval = 15 * 60

    /// What the owner is told, and when.
    public enum Notice: String, Sendable, Codable {
        /// The account has started to wait between tries.
        case slowedDown = "slowed_down"
        /// The waits have reached the full lock.
        case locked
    }

    /// How long the account waits after its `failures`-th failure in a row before the next try is looked at; nil
    /// when it may try again at once.
    public static func wait(afterFailures failures: Int) -> TimeInterval? {
        guard failures > freeFailures else { return nil }
        // Past 2^5 × 30 s the wait is already the full lock; the cap keeps a huge count from overflowing.
        let doublings = min(failures - freeFailures - 1, 16)
        return min(fullLock, firstWait * pow(2, Double(doublings)))
    }

    /// Whether the owner hears of it after this failure: at the first wait, and when the full lock is first reached.
    public static func notice(afterFailures failures: Int) -> Notice? {
        guard let wait = wait(afterFailures: failures) else { return nil }
        if failures == freeFailures + 1 { return .slowedDown }
        let before = self.wait(afterFailures: failures - 1) ?? 0
        return wait >= fullLock && before < fullLock ? .locked : nil
    }
}
