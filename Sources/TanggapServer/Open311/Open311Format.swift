import Foundation
import Vapor
import XMLCoder

/// The two formats of GeoReport v2, named by the document's suffix (`services.json`, `services.xml`), and the way
/// every answer of `/open311/v2` is written in them.
enum Open311Format: String, Sendable {
    case json, xml

    /// `"services.xml"` → (`services`, .xml); nil for a name without a known suffix, which the spec answers 404.
    static func split(_ document: String) -> (name: String, format: Open311Format)? {
        guard let dot = document.lastIndex(of: "."), let format = Open311Format(rawValue: String(document[document.index(after: dot)...]))
        else { return nil }
        let name = String(document[..<dot])
        return name.isEmpty ? nil : (name, format)
    }

    /// The format a request asked for, for its errors too: XML when its document ends in `.xml`, else JSON.
    static func of(_ request: Request) -> Open311Format {
        request.url.path.hasSuffix(".xml") ? .xml : .json
    }

    /// `value` as this format's document; `root` names the XML document's root element (JSON has none).
    func response<Value: Encodable>(_ value: Value, root: String, status: HTTPResponseStatus = .ok) throws -> Response {
        var headers = HTTPHeaders()
        let data: Data
        switch self {
        case .json:
            headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            data = try encoder.encode(value)
        case .xml:
            headers.replaceOrAdd(name: .contentType, value: "text/xml; charset=utf-8")
            let encoder = XMLEncoder()
            encoder.userInfo[Open311List<String>.xmlKey] = true
            data = try encoder.encode(value, withRootKey: root, header: XMLHeader(version: 1.0, encoding: "UTF-8"))
        }
        return Response(status: status, headers: headers, body: .init(data: data))
    }
}

/// A list, which the two formats write differently: JSON as an array, XML as one element per item inside the
/// element that holds the list (`<attributes><attribute>…</attribute></attributes>`, `<services><service>…`).
struct Open311List<Item: Encodable & Sendable>: Encodable, Sendable {
    static var xmlKey: CodingUserInfoKey { CodingUserInfoKey(rawValue: "open311.xml")! }

    let item: String
    let items: [Item]

    init(_ item: String, _ items: [Item]) {
        self.item = item
        self.items = items
    }

    func encode(to encoder: any Encoder) throws {
        if encoder.userInfo[Self.xmlKey] as? Bool == true {
            var container = encoder.container(keyedBy: NamedKey.self)
            try container.encode(items, forKey: NamedKey(item))
        } else {
            var container = encoder.singleValueContainer()
            try container.encode(items)
        }
    }

    struct NamedKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// Dates as the spec writes them (W3C, with the offset): the deployment's own time, as a city app shows it.
struct Open311Dates: Sendable {
    let zone: TimeZone

    func string(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(timeZone: zone)
        style = style.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
        return date.formatted(style)
    }

    /// A date the client sent: a full W3C date-time (with `Z` or an offset) or a bare day, taken at its start here.
    func date(_ raw: String) -> Date? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(timeZone: zone).year().month().day()) { return date }
        return nil
    }
}
