import Crypto
import Foundation
import RawStructuredFieldValues

/// Checks an Ed25519 signature on a request (RFC 9421 §3.2) before anything in it is believed: the label is there in
/// both headers, every required component is covered, `created` is near now, the key id is one the caller holds,
/// and the signature verifies over the rebuilt base. Answers the key id that signed.
public struct MessageVerifier: Sendable {
    public var label = "tanggap"
    /// Components a signature must cover to be accepted.
    public var required: [String]
    /// How far `created` may be from now, either way.
    public var maxSkew: TimeInterval = 300

    public init(required: [String]) {
        self.required = required
    }

    public func verify(
        _ message: SignedMessage, now: Date, key: (String) -> Curve25519.Signing.PublicKey?
    ) throws(MessageSignatureError) -> String {
        guard let input = message.field("Signature-Input") else { throw .missing("Signature-Input") }
        guard let signatureField = message.field("Signature") else { throw .missing("Signature") }
        let list: InnerList
        let signature: Data
        do {
            var inputParser = StructuredFieldValueParser(Array(input.utf8))
            guard case .innerList(let found)? = try inputParser.parseDictionaryFieldValue()[label] else {
                throw MessageSignatureError.missing("Signature-Input \(label)")
            }
            list = found
            var signatureParser = StructuredFieldValueParser(Array(signatureField.utf8))
            guard case .item(let item)? = try signatureParser.parseDictionaryFieldValue()[label],
                case .undecodedByteSequence(let encoded) = item.bareItem, let bytes = Data(base64Encoded: encoded)
            else { throw MessageSignatureError.missing("Signature \(label)") }
            signature = bytes
        } catch let error as MessageSignatureError {
            throw error
        } catch {
            throw .malformed("Signature")
        }
        let parameters = try SignatureParameters(list)
        for component in required where !parameters.components.contains(component) { throw .component(component) }
        guard let created = parameters.created, abs(now.timeIntervalSince1970 - Double(created)) <= maxSkew else { throw .stale }
        if let algorithm = parameters.algorithm, algorithm != "ed25519" { throw .badSignature }
        guard let keyID = parameters.keyID, let publicKey = key(keyID) else { throw .unknownKey }
        let base = try SignatureBase.build(for: message, parameters: parameters)
        guard publicKey.isValidSignature(signature, for: Data(base.utf8)) else { throw .badSignature }
        return keyID
    }
}
