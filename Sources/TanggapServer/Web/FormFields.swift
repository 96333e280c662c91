import TanggapCore
import Vapor

/// A posted form's text fields, kept exactly as typed so that a refused form comes back with everything in it, and
/// read into the API's own request type (`ReportSubmission`, `ActionRequest`) by `decode`: a form has no field list
/// of its own. File parts are not text and are left to `WithAttachments`.
struct FormFields: Codable, Sendable {
    private(set) var text: [String: String] = [:]

    init(_ text: [String: String] = [:]) {
        self.text = text
    }

    init(from decoder: any Decoder) throws {
        let form = try decoder.container(keyedBy: FieldName.self)
        for name in form.allKeys {
            if let value = try? form.decode(String.self, forKey: name) { text[name.stringValue] = value }
        }
    }

    /// As an object of the fields, for a template: `values.title`.
    func encode(to encoder: any Encoder) throws {
        try text.encode(to: encoder)
    }

    subscript(name: String) -> String? {
        get { text[name] }
        set { text[name] = newValue }
    }

    /// The fields as `Request`: a blank field is one not given; numbers are read from their text (a comma as the
    /// decimal mark too) and a check box is true when sent. Text that is not the number it should be is the user's
    /// error, reported by field name with every other such field.
    func decode<Request: Decodable>(_ type: Request.Type) throws -> Request {
        let reader = FormTextDecoder(text: text)
        let request = try Request(from: reader)
        try reader.check.finish()
        return request
    }
}

/// Any field name.
private struct FieldName: CodingKey {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// A decoder over a form's text: one level of named fields, each a string.
private final class FormTextDecoder: Decoder {
    let text: [String: String]
    /// Fields whose text was not the value they should hold.
    var check = FieldChecker()
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(text: [String: String]) {
        self.text = text
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Fields<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([String].self, .init(codingPath: [], debugDescription: "a form holds named fields"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(String.self, .init(codingPath: [], debugDescription: "a form holds named fields"))
    }

    struct Fields<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: FormTextDecoder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { decoder.text.keys.compactMap(Key.init(stringValue:)) }

        func given(_ key: Key) -> String? {
            guard let value = decoder.text[key.stringValue], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                return nil
            }
            return value
        }

        func contains(_ key: Key) -> Bool { given(key) != nil }
        func decodeNil(forKey key: Key) throws -> Bool { given(key) == nil }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            if let value = try read(type, key) { return value }
            if given(key) != nil { try decoder.check.finish() }  // given, but not a T: the field's error
            throw DecodingError.keyNotFound(key, .init(codingPath: [key], debugDescription: "not given"))
        }

        // The standard library asks for each of these by its own overload; all read the same way.
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try read(type, key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try read(type, key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try read(type, key) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try read(type, key) }
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try read(type, key) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try read(type, key) }

        /// The field as a `T`; nil when blank, or when its text is not a `T` (then noted as the field's error).
        private func read<T>(_ type: T.Type, _ key: Key) throws -> T? {
            guard let raw = given(key) else { return nil }
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            let value: Any?
            switch type {
            case is String.Type: value = raw
            case is Int64.Type: value = Int64(trimmed).flatMap { $0 > 0 ? $0 : nil }
            case is Int.Type: value = Int(trimmed)
            case is Double.Type: value = Double(trimmed.replacingOccurrences(of: ",", with: ".")).flatMap { $0.isFinite ? $0 : nil }
            case is Bool.Type: value = true  // a check box is sent only when ticked
            default:
                // A list or a nested value has no place in a flat form.
                throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "not a form field"))
            }
            guard let typed = value as? T else {
                decoder.check.add(key.stringValue, .invalid)
                return nil
            }
            return typed
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch([String: String].self, .init(codingPath: [key], debugDescription: "not a form field"))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([String].self, .init(codingPath: [key], debugDescription: "not a form field"))
        }

        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
    }
}

/// A request type together with the files posted beside its fields as `attachments[]`, from the API's multipart
/// bodies and the portal's forms alike.
struct WithAttachments<Fields: Codable & Sendable>: Content {
    var fields: Fields
    var attachments: [File]?

    init(fields: Fields, attachments: [File]? = nil) {
        self.fields = fields
        self.attachments = attachments
    }

    init(from decoder: any Decoder) throws {
        fields = try Fields(from: decoder)
        attachments = try decoder.container(keyedBy: FileKey.self).decodeIfPresent([File].self, forKey: .attachments)
    }

    func encode(to encoder: any Encoder) throws {
        try fields.encode(to: encoder)
    }

    var uploads: [Upload] { attachments?.uploads ?? [] }

    private enum FileKey: String, CodingKey { case attachments }
}
