import Foundation

/// A value kept in a text column as JSON (a report's tags): the same column on SQLite and PostgreSQL, read and
/// written as the typed value.
struct JSONText<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    var value: Value

    init(_ value: Value) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        value = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// The JSON as stored.
    var text: String {
        // Encoding a Codable array or value of strings cannot fail.
        String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
    }
}
