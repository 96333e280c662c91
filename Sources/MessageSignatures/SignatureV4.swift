import Crypto
import Foundation

/// AWS Signature Version 4, the scheme S3 and every S3-compatible store (MinIO, Ceph, Garage, R2, Wasabi) take.
///
/// A request is reduced to a canonical form (method, path, sorted query, sorted headers, the SHA-256 of the body),
/// hashed, and signed with a key derived from the secret for one day, region and service; the server derives the
/// same key and compares. Paths are encoded once, segment by segment, and never normalised, which is what S3 wants
/// (its keys may hold `//` or `.`).
public struct SignatureV4: Sendable {
    public struct Credentials: Sendable {
        public let accessKeyID: String
        public let secretAccessKey: String
        /// A temporary credential's token, sent and signed as `x-amz-security-token`.
        public let sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    public static let algorithm = "AWS4-HMAC-SHA256"
    /// The SHA-256 of no bytes: the payload hash of a GET or DELETE.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public let credentials: Credentials
    public let region: String
    public let service: String

    public init(credentials: Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to send with the request: the caller's own (which must include `host`), plus `x-amz-date`,
    /// the session token if there is one, and `authorization`. Every header given is signed.
    ///
    /// `path` is the decoded path (`/bucket/key`); `query` the decoded parameters in any order.
    public func sign(
        method: String, path: String, query: [(String, String)] = [], headers: [(String, String)], payloadHash: String, at date: Date
    ) -> [(String, String)] {
        var signed = headers
        signed.append(("x-amz-date", Self.timestamp(date)))
        if let token = credentials.sessionToken { signed.append(("x-amz-security-token", token)) }
        let canonical = canonicalRequest(method: method, path: path, query: query, headers: signed, payloadHash: payloadHash)
        let scope = "\(Self.day(date))/\(region)/\(service)/aws4_request"
        let stringToSign = [Self.algorithm, Self.timestamp(date), scope, Self.hex(SHA256.hash(data: Data(canonical.request.utf8)))]
            .joined(separator: "\n")
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(for: date)))
        signed.append(
            (
                "authorization",
                "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
            ))
        return signed
    }

    /// The canonical request and the list of signed header names, exposed so tests can compare each step with the
    /// published suite.
    public func canonicalRequest(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String
    ) -> (request: String, signedHeaders: String) {
        let encodedPath = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { Self.encode(String($0)) }.joined(separator: "/")
        let pairs: [(name: String, value: String)] = query.map { (Self.encode($0.0), Self.encode($0.1)) }
        let sorted = pairs.sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        let encodedQuery = sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        var byName: [String: [String]] = [:]
        for (name, value) in headers { byName[name.lowercased(), default: []].append(Self.trimmed(value)) }
        let names = byName.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let request = [method, encodedPath.isEmpty ? "/" : encodedPath, encodedQuery, canonicalHeaders, signedHeaders, payloadHash]
            .joined(separator: "\n")
        return (request, signedHeaders)
    }

    private func signingKey(for date: Date) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [Self.day(date), region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// RFC 3986 percent-encoding: only `A–Z a–z 0–9 - . _ ~` stay as they are, everything else is `%XX` of its
    /// UTF-8 bytes, in upper case.
    public static func encode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }

    /// Header values are trimmed and runs of spaces inside them folded to one.
    private static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    public static func payloadHash(_ body: some DataProtocol) -> String { hex(SHA256.hash(data: body)) }

    static func timestamp(_ date: Date) -> String { format(date, "yyyyMMdd'T'HHmmss'Z'") }
    static func day(_ date: Date) -> String { format(date, "yyyyMMdd") }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
