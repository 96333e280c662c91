import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226): 30-second steps, six digits, HMAC-SHA-1 — what every
/// authenticator app understands. A code is accepted one step either side of now (a phone's clock drifts, a
/// person types slowly) and only for a step later than the last one used, so no code works twice.
enum TOTP {
    static let step: TimeInterval = 30
    static let digits = 6
    /// Steps either side of now a code may belong to.
    static let window: Int64 = 1
    /// 160 bits, the HMAC-SHA-1 key size RFC 4226 recommends.
    static let secretBytes = 20

    static func newSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<secretBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    static func counter(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / step).rounded(.down)) }

    /// The code of one step (HOTP with the step as counter).
    static func code(secret: [UInt8], counter: Int64) -> String {
        var big = counter.bigEndian
        let message = withUnsafeBytes(of: &big) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let truncated =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        let value = truncated % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The step `typed` belongs to, if it is this secret's code for a step near `date` and later than `lastUsed`.
    /// Every candidate is compared, in constant time, so the answer's timing tells nothing.
    static func matchingStep(_ typed: String, secret: [UInt8], at date: Date, after lastUsed: Int64?) -> Int64? {
        let cleaned = typed.filter { !$0.isWhitespace }
        guard cleaned.count == digits, cleaned.allSatisfy(\.isASCII), cleaned.allSatisfy(\.isNumber) else { return nil }
        let now = counter(at: date)
        var found: Int64?
        for candidate in (now - window)...(now + window) {
            let matches = constantTimeEqual(code(secret: secret, counter: candidate), cleaned)
            if matches && candidate > (lastUsed ?? .min) && found == nil { found = candidate }
        }
        return found
    }

    /// The link an authenticator app reads from the QR code (Key Uri Format).
    static func provisioningURI(secret: [UInt8], account: String, issuer: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return "otpauth://totp/\(encoded(issuer)):\(encoded(account))?secret=\(Base32.encode(secret))&issuer=\(encoded(issuer))"
    }
}

/// RFC 4648 base 32 without padding, the form authenticator apps take a typed secret in.
enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    static func encode(_ bytes: [UInt8]) -> String {
        var result = ""
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                result.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { result.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return result
    }

    /// Spaces, dashes, padding and lower case are forgiven, as people type them; anything else is nil.
    static func decode(_ text: String) -> [UInt8]? {
        var result: [UInt8] = []
        var buffer = 0, bits = 0
        for character in text.uppercased() where !" -=".contains(character) {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = ((buffer << 5) | value) & 0xFFFF
            bits += 5
            if bits >= 8 {
                result.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return result
    }
}
