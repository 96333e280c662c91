import Crypto
import Foundation
import MessageSignatures
import Testing

/// The published examples: RFC 9421 appendix B.2.6 (Ed25519) and RFC 9530's `Content-Digest`, byte for byte.
@Suite struct RFCVectorTests {
    /// B.1.4's test-key-ed25519: the private seed and public key, base64url as in its JWK.
    static let seed = Data(base64URL: "n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU")!
    static let publicKey = Data(base64URL: "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs")!

    /// B.2's test request (its body is `{"hello": "world"}`, 18 bytes).
    static let request = SignedMessage(
        method: "POST", targetURI: "https://example.com/foo?param=Value&Pet=dog",
        fields: [
            ("Host", "example.com"), ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"), ("Content-Type", "application/json"),
            ("Content-Digest", "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"),
            ("Content-Length", "18"),
        ])

    static let expectedBase = """
        "date": Tue, 20 Apr 2021 02:07:55 GMT
        "@method": POST
        "@path": /foo
        "@authority": example.com
        "content-type": application/json
        "content-length": 18
        "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"
        """
    static let expectedSignature = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="
    static let components = ["date", "@method", "@path", "@authority", "content-type", "content-length"]

    @Test func theSignatureBaseOfB26IsTheRFCs() throws {
        let parameters = SignatureParameters(components: Self.components, created: 1_618_884_473, keyID: "test-key-ed25519")
        #expect(try SignatureBase.build(for: Self.request, parameters: parameters) == Self.expectedBase)
    }

    @Test func signingB26GivesTheRFCsSignatureAndItVerifies() throws {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Self.seed)
        #expect(key.publicKey.rawRepresentation == Self.publicKey)
        var signer = MessageSigner(key: key, keyID: "test-key-ed25519")
        signer.label = "sig-b26"
        let created = Date(timeIntervalSince1970: 1_618_884_473)
        let (input, signature) = try signer.sign(Self.request, components: Self.components, created: created, algorithm: nil)
        #expect(
            input
                == "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\""
        )
        #expect(signature == "sig-b26=:\(Self.expectedSignature):")

        var signed = Self.request
        signed.fields += [("Signature-Input", input), ("Signature", signature)]
        var verifier = MessageVerifier(required: ["@method", "@authority"])
        verifier.label = "sig-b26"
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: Self.publicKey)
        let keyID = try verifier.verify(signed, now: created.addingTimeInterval(60)) { $0 == "test-key-ed25519" ? publicKey : nil }
        #expect(keyID == "test-key-ed25519")
    }

    @Test func contentDigestMatchesRFC9530sExample() throws {
        let body = Data("{\"hello\": \"world\"}".utf8)
        #expect(ContentDigest.header(for: body) == "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")
        try ContentDigest.verify("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", body: body)
        // RFC 9530 §2's second example: the same body with a trailing newline has another digest.
        #expect(throws: MessageSignatureError.badDigest) {
            try ContentDigest.verify("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", body: Data("{\"hello\": \"world\"}\n".utf8))
        }
        // A sha-512 alone is not accepted: Tanggap asks for sha-256.
        #expect(throws: MessageSignatureError.missing("Content-Digest sha-256")) {
            try ContentDigest.verify(Self.request.field("Content-Digest"), body: body)
        }
        #expect(throws: MessageSignatureError.malformed("Content-Digest")) { try ContentDigest.verify("sha-256=:X48E9q", body: body) }
        #expect(throws: MessageSignatureError.missing("Content-Digest")) { try ContentDigest.verify(nil, body: body) }
    }
}
