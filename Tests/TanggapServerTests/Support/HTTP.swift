import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import TanggapServer

/// A response as the tests look at it: status, headers and the JSON body.
struct Reply {
    let status: HTTPStatus
    let headers: HTTPHeaders
    let body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
    var errorCode: String? { (try? decode(ErrorBody.self))?.error.code }
    var errorMessage: String? { (try? decode(ErrorBody.self))?.error.message }

    /// The field errors as "field:code".
    var fieldErrors: Set<String> {
        Set(((try? decode(ErrorBody.self))?.error.fields ?? []).map { "\($0.field):\($0.code)" })
    }

    /// The body as one of the server's own answer types, read the way a client reads the wire (snake_case keys,
    /// ISO 8601 dates).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try Self.decoder.decode(T.self, from: body)
    }

    /// The answer to an action: the report as it now stands, and the event the action wrote.
    var acted: ReportsController.ActionResult { get throws { try decode(ReportsController.ActionResult.self) } }
    /// The answer to a new report: tracking ID, secret, and the report.
    var receipt: ReportsController.Receipt { get throws { try decode(ReportsController.Receipt.self) } }
    /// A report as `GET /api/v1/reports/{id}` shows it.
    var report: ReportRepresentation { get throws { try decode(ReportRepresentation.self) } }
    /// A report's history as `GET …/events` shows it.
    var events: [EventRepresentation] { get throws { try decode(Items<EventRepresentation>.self).items } }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            struct Field: Decodable {
                let field: String
                let code: String
                let message: String?
            }
            let code: String
            let message: String?
            let fields: [Field]?
        }
        let error: Detail
    }

    /// snake_case back to the server's property names: `tracking_id` → `trackingID`, `due_at` → `dueAt`.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .custom { path in
            let parts = path.last!.stringValue.split(separator: "_")
            let name = parts.enumerated().map { index, part in
                index == 0
                    ? String(part) : part == "id" || part == "url" ? part.uppercased() : part.prefix(1).uppercased() + part.dropFirst()
            }.joined()
            return AnyKey(name)
        }
        return decoder
    }()

    private struct AnyKey: CodingKey {
        let stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

extension Application {
    /// Sends a request through the whole middleware stack, in memory.
    func request(
        _ method: HTTPMethod, _ path: String, token: String? = nil, secret: String? = nil, json: Any? = nil,
        multipart: Multipart? = nil, headers extra: [(String, String)] = [], rawBody: String? = nil, contentType: String? = nil,
        overTheNetwork: Bool = false
    ) async throws -> Reply {
        var headers = HTTPHeaders()
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        if let secret { headers.add(name: "X-Report-Secret", value: secret) }
        var body = ByteBufferAllocator().buffer(capacity: 0)
        if let json {
            headers.contentType = .json
            body.writeBytes(try JSONSerialization.data(withJSONObject: json))
        } else if let multipart {
            headers.add(name: .contentType, value: "multipart/form-data; boundary=\(multipart.boundary)")
            body.writeBytes(multipart.encoded)
        } else if let rawBody {
            body.writeString(rawBody)
        }
        if let contentType { headers.replaceOrAdd(name: .contentType, value: contentType) }
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        // In memory by default; over a real loopback socket when the test is about what the HTTP server
        // itself enforces (body size limits).
        let tester = try overTheNetwork ? testing(method: .running(hostname: "127.0.0.1", port: 0)) : testing()
        let response = try await tester.sendRequest(method, path, headers: headers, body: body) { request in
            request.url = URI(string: path)
        }
        return Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
    }
}

/// A multipart/form-data body built by hand, the way browsers and apps send files.
struct Multipart {
    let boundary = "----tanggap-\(UUID().uuidString)"
    private(set) var parts: [(name: String, filename: String?, contentType: String?, data: Data)] = []

    mutating func field(_ name: String, _ value: String) {
        parts.append((name, nil, nil, Data(value.utf8)))
    }

    mutating func file(_ name: String, filename: String, contentType: String = "application/octet-stream", data: Data) {
        parts.append((name, filename, contentType, data))
    }

    var encoded: Data {
        var out = Data()
        for part in parts {
            out.append(Data("--\(boundary)\r\n".utf8))
            var disposition = "Content-Disposition: form-data; name=\"\(part.name)\""
            if let filename = part.filename { disposition += "; filename=\"\(filename)\"" }
            out.append(Data("\(disposition)\r\n".utf8))
            if let type = part.contentType { out.append(Data("Content-Type: \(type)\r\n".utf8)) }
            out.append(Data("\r\n".utf8))
            out.append(part.data)
            out.append(Data("\r\n".utf8))
        }
        out.append(Data("--\(boundary)--\r\n".utf8))
        return out
    }
}

/// Small files of each kind, real enough for the content sniffer.
enum SampleFiles {
    /// A 1×1 PNG.
    static let png = Data(
        base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!
    /// An 8×8 JPEG as an encoder writes it: the metadata stripper refuses anything less than a whole picture.
    static let jpeg = Data(
        base64Encoded:
            "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDLoooriPpj/9k="
    )!
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
    static let html = Data("<html><body><script>alert(document.cookie)</script></body></html>".utf8)
    static let exe = Data([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF])
}
