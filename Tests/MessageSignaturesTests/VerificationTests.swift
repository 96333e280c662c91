import Crypto
import Foundation
import MessageSignatures
import Testing

/// What a receiver refuses: every byte that matters changed, a stale or future `created`, an unknown key, a component
/// left uncovered, hostile header text.
@Suite struct VerificationTests {
    let key = Curve25519.Signing.PrivateKey()
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let body = Data("{\"id\":\"6f1c\",\"type\":\"report.handover\"}".utf8)
    static let components = ["@method", "@target-uri", "content-digest", "content-type"]
    let verifier = MessageVerifier(required: ["@method", "@target-uri", "content-digest"])

    func signed(created: Date? = nil, components: [String] = components) throws -> SignedMessage {
        var message = SignedMessage(
            method: "POST", targetURI: "https://lapor.bojonegorokab.go.id/federation/v1/inbox",
            fields: [("Content-Type", "application/json"), ("Content-Digest", ContentDigest.header(for: body))])
        let (input, signature) = try MessageSigner(key: key, keyID: "k1").sign(message, components: components, created: created ?? now)
        message.fields += [("Signature-Input", input), ("Signature", signature)]
        return message
    }

    func check(_ message: SignedMessage, body: Data? = nil) throws(MessageSignatureError) {
        _ = try verifier.verify(message, now: now) { [key] id in id == "k1" ? key.publicKey : nil }
        try ContentDigest.verify(message.field("Content-Digest"), body: body ?? self.body)
    }

    func replacing(_ name: String, in message: SignedMessage, with value: String) -> SignedMessage {
        var changed = message
        changed.fields = changed.fields.map { $0.name.lowercased() == name.lowercased() ? ($0.name, value) : $0 }
        return changed
    }

    @Test func aGoodMessagePasses() throws {
        try check(try signed())
        try check(try signed(created: now.addingTimeInterval(-299)))
    }

    @Test func aChangedByteAnywhereIsRefused() throws {
        let good = try signed()
        var tampered = body
        tampered[5] ^= 0x01
        #expect(throws: MessageSignatureError.badDigest) { try check(good, body: tampered) }
        var otherTarget = good
        otherTarget.targetURI = "https://lapor.bojonegorokab.go.id/federation/v1/inbox?x=1"
        #expect(throws: MessageSignatureError.badSignature) { try check(otherTarget) }
        var otherMethod = good
        otherMethod.method = "PUT"
        #expect(throws: MessageSignatureError.badSignature) { try check(otherMethod) }
        #expect(throws: MessageSignatureError.badSignature) { try check(replacing("Content-Type", in: good, with: "text/plain")) }
        // A digest of another body, re-signed by nobody: the signature no longer matches.
        let forgedDigest = replacing("Content-Digest", in: good, with: ContentDigest.header(for: tampered))
        #expect(throws: MessageSignatureError.badSignature) { try check(forgedDigest, body: tampered) }
        let signature = try #require(good.field("Signature"))
        var bytes = Data(base64Encoded: String(signature.dropFirst("tanggap=:".count).dropLast()))!
        bytes[10] ^= 0x01
        #expect(throws: MessageSignatureError.badSignature) {
            try check(replacing("Signature", in: good, with: "tanggap=:\(bytes.base64EncodedString()):"))
        }
        // The created date changed after signing.
        let input = try #require(good.field("Signature-Input"))
        let later = input.replacingOccurrences(
            of: "created=\(Int(now.timeIntervalSince1970))", with: "created=\(Int(now.timeIntervalSince1970) + 1)")
        #expect(throws: MessageSignatureError.badSignature) { try check(replacing("Signature-Input", in: good, with: later)) }
    }

    @Test func aStaleOrFutureSignatureAnUnknownKeyOrAnUncoveredDigestIsRefused() throws {
        #expect(throws: MessageSignatureError.stale) { try check(try signed(created: now.addingTimeInterval(-301))) }
        #expect(throws: MessageSignatureError.stale) { try check(try signed(created: now.addingTimeInterval(301))) }
        let stranger = Curve25519.Signing.PrivateKey()
        var message = SignedMessage(
            method: "POST", targetURI: "https://lapor.bojonegorokab.go.id/federation/v1/inbox",
            fields: [("Content-Digest", ContentDigest.header(for: body))])
        let (input, signature) = try MessageSigner(key: stranger, keyID: "k2").sign(
            message, components: ["@method", "@target-uri", "content-digest"], created: now)
        message.fields += [("Signature-Input", input), ("Signature", signature)]
        #expect(throws: MessageSignatureError.unknownKey) { try check(message) }
        // The stranger claims our key id: the signature does not verify under our key.
        let (claimed, claimedSignature) = try MessageSigner(key: stranger, keyID: "k1").sign(
            message, components: ["@method", "@target-uri", "content-digest"], created: now)
        #expect(throws: MessageSignatureError.badSignature) {
            try check(replacing("Signature", in: replacing("Signature-Input", in: message, with: claimed), with: claimedSignature))
        }
        #expect(throws: MessageSignatureError.component("content-digest")) {
            try check(try signed(components: ["@method", "@target-uri"]))
        }
    }

    @Test func hostileOrMissingHeadersAreRefusedWithoutACrash() throws {
        let good = try signed()
        var unsigned = good
        unsigned.fields.removeAll { $0.name == "Signature" }
        #expect(throws: MessageSignatureError.missing("Signature")) { try check(unsigned) }
        for hostile in [
            "", "tanggap", "tanggap=(", "tanggap=(\"@method\" \"@method\");created=1795000000;keyid=\"k1\"",
            "tanggap=(\"@method\";sf);created=1795000000;keyid=\"k1\"", "tanggap=(\"X-Upper\");created=1795000000;keyid=\"k1\"",
            "tanggap=(\"@method\" \"@target-uri\" \"content-digest\");created=\"soon\";keyid=\"k1\"",
            "other=(\"@method\");created=1795000000;keyid=\"k1\"", String(repeating: "(", count: 10_000),
            "tanggap=(\"@method\" \"@target-uri\" \"content-digest\" \"x-missing\");created=1795000000;keyid=\"k1\"",
        ] {
            #expect(throws: MessageSignatureError.self, "\(hostile.prefix(40))") {
                try check(replacing("Signature-Input", in: good, with: hostile))
            }
        }
        #expect(throws: MessageSignatureError.self) { try check(replacing("Signature", in: good, with: "tanggap=:%%%:")) }
        // A line break smuggled into a covered field would make two bases alike; it is refused.
        var smuggled = good
        smuggled.fields.append(("Content-Type", "a\n\"@method\": GET"))
        #expect(throws: MessageSignatureError.self) { try check(smuggled) }
    }
}
