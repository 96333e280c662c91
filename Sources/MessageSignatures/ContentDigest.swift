import Crypto
import Foundation
import RawStructuredFieldValues

/// `Content-Digest` (RFC 9530): the SHA-256 of the body as a structured dictionary, `sha-256=:base64:`. A signature
/// that covers this header covers the body too.
public enum ContentDigest {
    public static let headerName = "Content-Digest"

    public static func header(for body: some DataProtocol) -> String {
        "sha-256=:\(Data(SHA256.hash(data: body)).base64EncodedString()):"
    }

    /// Checks a received header against the body: it must carry a `sha-256` member, and that member must match.
    /// Other algorithms in the header are ignored, as the RFC allows; a weaker one alone is not enough.
    public static func verify(_ header: String?, body: some DataProtocol) throws(MessageSignatureError) {
        guard let header, !header.isEmpty else { throw .missing(headerName) }
        let members: OrderedMap<String, ItemOrInnerList>
        do {
            var parser = StructuredFieldValueParser(Array(header.utf8))
            members = try parser.parseDictionaryFieldValue()
        } catch {
            throw .malformed(headerName)
        }
        guard case .item(let item)? = members["sha-256"], case .undecodedByteSequence(let encoded) = item.bareItem,
            let claimed = Data(base64Encoded: encoded)
        else { throw .missing("\(headerName) sha-256") }
        let actual = Data(SHA256.hash(data: body))
        guard constantTimeEqual(Array(claimed), Array(actual)) else { throw .badDigest }
    }
}

/// Compares two byte strings in time that depends only on their length.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}
