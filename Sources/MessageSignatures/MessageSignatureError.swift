/// Why a message's signature or digest was refused. The receiver answers each with a code of its own and says
/// nothing more: an attacker learns which check failed, never what would have passed it.
public enum MessageSignatureError: Error, Equatable, Sendable {
    /// No `Signature` / `Signature-Input` with the expected label, or no `Content-Digest`.
    case missing(String)
    /// A header that is not the structured field it must be.
    case malformed(String)
    /// A covered component the message does not have, or one that must be covered and is not.
    case component(String)
    /// `created` too far from now, or missing.
    case stale
    /// A key id the receiver does not hold for this sender.
    case unknownKey
    /// The signature does not verify.
    case badSignature
    /// The body does not match its `Content-Digest`.
    case badDigest
}
