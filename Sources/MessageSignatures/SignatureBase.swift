import Foundation
import RawStructuredFieldValues

/// The covered components and metadata of one signature (RFC 9421 §2.3), as the `Signature-Input` member holds them.
public struct SignatureParameters: Sendable, Equatable {
    /// Component identifiers in order: derived ones (`@method`, `@target-uri`…) and lower-case field names.
    public var components: [String]
    public var created: Int?
    public var keyID: String?
    public var algorithm: String?

    public init(components: [String], created: Int?, keyID: String?, algorithm: String? = nil) {
        self.components = components
        self.created = created
        self.keyID = keyID
        self.algorithm = algorithm
    }

    /// The parameters as an inner list: the value of the `Signature-Input` member and of `@signature-params`.
    var innerList: InnerList {
        var items = BareInnerList()
        for component in components { items.append(Item(bareItem: BareItem.string(component), parameters: OrderedMap<String, BareItem>())) }
        var parameters = OrderedMap<String, BareItem>()
        if let created { parameters["created"] = .integer(created) }
        if let keyID { parameters["keyid"] = .string(keyID) }
        if let algorithm { parameters["alg"] = .string(algorithm) }
        return InnerList(bareInnerList: items, parameters: parameters)
    }

    /// The serialised inner list, `("@method" "@target-uri");created=…;keyid="…"`.
    public var serialized: String {
        var serializer = StructuredFieldValueSerializer()
        // A list of one inner list serialises as that inner list alone.
        let bytes = (try? serializer.writeListFieldValue([.innerList(innerList)])) ?? []
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads the parameters back from a received inner list. Components with parameters of their own (`;sf`, `;key`,
    /// `;req`) are not used by Tanggap and are refused rather than misread.
    init(_ list: InnerList) throws(MessageSignatureError) {
        var components: [String] = []
        for item in list.bareInnerList {
            guard case .string(let name) = item.bareItem, item.parameters.count == 0, name == name.lowercased() else {
                throw .malformed("Signature-Input")
            }
            components.append(name)
        }
        self.components = components
        for (key, value) in list.parameters {
            switch (key, value) {
            case ("created", .integer(let seconds)): created = seconds
            case ("keyid", .string(let id)): keyID = id
            case ("alg", .string(let name)): algorithm = name
            case ("created", _), ("keyid", _), ("alg", _): throw .malformed("Signature-Input")
            default: continue  // expires, nonce, tag: not needed here, and harmless to carry
            }
        }
    }
}

/// The signature base (RFC 9421 §2.5): one line per covered component, `"name": value`, then `"@signature-params"`.
public enum SignatureBase {
    public static func build(for message: SignedMessage, parameters: SignatureParameters) throws(MessageSignatureError) -> String {
        var lines: [String] = []
        var seen = Set<String>()
        for component in parameters.components {
            // A component named twice, or a line break smuggled into a value, would make the base ambiguous.
            guard seen.insert(component).inserted else { throw .malformed("Signature-Input") }
            guard let value = component.hasPrefix("@") ? message.derived(component) : message.field(component) else {
                throw .component(component)
            }
            guard !value.contains(where: { $0.isNewline }) else { throw .malformed(component) }
            lines.append("\"\(component)\": \(value)")
        }
        lines.append("\"@signature-params\": \(parameters.serialized)")
        return lines.joined(separator: "\n")
    }
}
