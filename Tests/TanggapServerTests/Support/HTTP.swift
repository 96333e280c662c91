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
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }

    /// The field errors as "field:code".
    var fieldErrors: Set<String> {
        let fields = (json["error"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []
        return Set(fields.map { "\($0["field"] as? String ?? ""):\($0["code"] as? String ?? "")" })
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: body)
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
    static let jpeg =
        Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01])
        + Data(repeating: 0x20, count: 200) + Data([0xFF, 0xD9])
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
    static let html = Data("<html><body><script>alert(document.cookie)</script></body></html>".utf8)
    static let exe = Data([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF])
}
