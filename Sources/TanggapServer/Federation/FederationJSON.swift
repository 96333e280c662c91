import Foundation
import SQLKit

/// JSON between instances as on the rest of the API: snake_case keys, ISO 8601 dates. Swift names follow the
/// project's casing (`instanceID`, `inboxURL`), so reading turns `_id` and `_url` back into `ID` and `URL`.
enum FederationJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in Key(swiftName(path.last!.stringValue)) }
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// The same naming for rows read from the database: SQLKit asks for the column of each Swift name.
    static let rowDecoder = SQLRowDecoder(keyDecodingStrategy: .custom { keys in Key(columnName(keys.last!.stringValue)) })

    /// `remoteInstitutionID` → `remote_institution_id`.
    static func columnName(_ swift: String) -> String {
        var name = swift.replacingOccurrences(of: "ID", with: "Id").replacingOccurrences(of: "URL", with: "Url")
        name = name.replacingOccurrences(of: "([a-z0-9])([A-Z])", with: "$1_$2", options: .regularExpression)
        return name.lowercased()
    }

    /// `remote_institution_id` → `remoteInstitutionID`.
    static func swiftName(_ snake: String) -> String {
        snake.split(separator: "_").enumerated().map { index, part in
            if index == 0 { return String(part) }
            if part == "id" || part == "url" { return part.uppercased() }
            return part.prefix(1).uppercased() + part.dropFirst()
        }.joined()
    }

    struct Key: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
