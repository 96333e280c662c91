import Crypto
import Foundation
import RawStructuredFieldValues

/// Signs requests with Ed25519 (RFC 9421 §3.1, `alg="ed25519"`), under one label.
public struct MessageSigner: Sendable {
    /// The private key's 32-byte seed (the key type itself is not `Sendable` in every swift-crypto).
    private let seed: Data
    public let keyID: String
    public var label = "tanggap"

    public init(key: Curve25519.Signing.PrivateKey, keyID: String) {
        self.seed = key.rawRepresentation
        self.keyID = keyID
    }

    /// The `Signature-Input` and `Signature` header values for `message`, covering `components`.
    public func sign(
        _ message: SignedMessage, components: [String], created: Date, algorithm: String? = "ed25519"
    ) throws -> (signatureInput: String, signature: String) {
        let parameters = SignatureParameters(
            components: components, created: Int(created.timeIntervalSince1970), keyID: keyID, algorithm: algorithm)
        let base = try SignatureBase.build(for: message, parameters: parameters)
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        let signature = try key.signature(for: Data(base.utf8))
        return ("\(label)=\(parameters.serialized)", "\(label)=:\(signature.base64EncodedString()):")
    }
}
