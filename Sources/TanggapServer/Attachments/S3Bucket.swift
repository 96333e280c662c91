import AsyncHTTPClient
import Foundation
import MessageSignatures
import NIOCore
import NIOHTTP1

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The few S3 calls attachments need — put, get, delete and list — signed with
/// Signature Version 4 over AsyncHTTPClient. Errors name the operation, the status and S3's error code, never a
/// key or a credential.
struct S3Bucket: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let status: UInt
        let code: String
        var description: String { "S3 \(operation) answered \(status == 0 ? "nothing" : "HTTP \(status)") \(code)" }
    }

    struct Object: Sendable {
        let key: String
        let size: Int64
        let lastModified: Date
    }

    let settings: S3Settings
    let client: HTTPClient
    let timeout: TimeAmount

    private var signer: SignatureV4 { SignatureV4(credentials: settings.credentials, region: settings.region, service: "s3") }

    init(_ settings: S3Settings, client: HTTPClient = .shared, timeout: TimeAmount = .seconds(15)) {
        self.settings = settings
        self.client = client
        self.timeout = timeout
    }

    func put(_ key: String, _ data: Data, contentType: String = "application/octet-stream") async throws {
        let response = try await send(
            "put", .PUT, key: key, headers: [("content-type", contentType), ("content-length", String(data.count))], body: data)
        try await expect(response, "put", [200])
    }

    /// The object's bytes, up to `limit`; nil if there is no such object.
    func get(_ key: String, upTo limit: Int) async throws -> Data? {
        let response = try await send("get", .GET, key: key)
        if response.status == .notFound { return nil }
        try await expect(response, "get", [200], keepBody: true)
        return Data(buffer: try await response.body.collect(upTo: limit))
    }

    /// The object as it arrives, for a response that passes it on without holding it whole; nil if there is none.
    func stream(_ key: String) async throws -> (size: Int?, body: HTTPClientResponse.Body)? {
        let response = try await send("get", .GET, key: key)
        if response.status == .notFound { return nil }
        try await expect(response, "get", [200], keepBody: true)
        return (response.headers.first(name: "content-length").flatMap(Int.init), response.body)
    }

    /// Deleting an object that is not there succeeds, as S3 itself says.
    func delete(_ key: String) async throws {
        try await expect(try await send("delete", .DELETE, key: key), "delete", [200, 204])
    }

    /// One page of the objects under `prefix` (ListObjectsV2), and the token for the next page if there is one.
    func list(prefix: String, continuation: String?, pageSize: Int = 1000) async throws -> (objects: [Object], next: String?) {
        var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(pageSize))]
        if let continuation { query.append(("continuation-token", continuation)) }
        let response = try await send("list", .GET, key: nil, query: query)
        try await expect(response, "list", [200], keepBody: true)
        let listing = ListingParser(Data(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024)))
        guard listing.parse() else { throw Failure(operation: "list", status: 200, code: "unreadable listing") }
        return (listing.objects, listing.truncated ? listing.nextToken : nil)
    }

    /// The bucket exists and these credentials may list it (the sweeper must): one key's listing, whose refusal
    /// carries S3's reason (a HEAD's would have no body to carry it in).
    func check(prefix: String) async throws {
        _ = try await list(prefix: prefix, continuation: nil, pageSize: 1)
    }

    // MARK: - The wire

    private func send(
        _ operation: String, _ method: HTTPMethod, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: Data? = nil
    ) async throws -> HTTPClientResponse {
        let path = "/" + settings.bucket + (key.map { "/" + $0 } ?? "")
        let endpoint = URL(string: settings.endpoint)!
        let host = endpoint.port.map { "\(endpoint.host!):\($0)" } ?? endpoint.host!
        let payloadHash = body.map(SignatureV4.payloadHash) ?? SignatureV4.emptyPayloadHash
        let signed = signer.sign(
            method: method.rawValue, path: path, query: query, headers: [("host", host), ("x-amz-content-sha256", payloadHash)] + headers,
            payloadHash: payloadHash, at: Date())
        let encodedPath = path.split(separator: "/", omittingEmptySubsequences: false).map { SignatureV4.encode(String($0)) }
            .joined(separator: "/")
        let encodedQuery = query.map { "\(SignatureV4.encode($0.0))=\(SignatureV4.encode($0.1))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: settings.endpoint + encodedPath + (encodedQuery.isEmpty ? "" : "?" + encodedQuery))
        request.method = method
        for (name, value) in signed { request.headers.replaceOrAdd(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(data: body)) }
        do {
            return try await client.execute(request, timeout: timeout)
        } catch {
            throw Failure(operation: operation, status: 0, code: "(\(type(of: error)))")
        }
    }

    /// Throws unless the status is one of `expected`, with S3's error code read from the body. A body left unread
    /// is drained, so the connection goes back to the pool.
    private func expect(_ response: HTTPClientResponse, _ operation: String, _ expected: [UInt], keepBody: Bool = false) async throws {
        guard expected.contains(response.status.code) else {
            let body = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
            let code = body.range(of: "<Code>").flatMap { start in
                body.range(of: "</Code>", range: start.upperBound..<body.endIndex).map { String(body[start.upperBound..<$0.lowerBound]) }
            }
            throw Failure(operation: operation, status: response.status.code, code: code ?? "")
        }
        if !keepBody { for try await _ in response.body {} }
    }
}

/// Reads a ListObjectsV2 answer: each `Contents`' key, size and time, `IsTruncated` and `NextContinuationToken`.
private final class ListingParser: NSObject, XMLParserDelegate {
    private let parser: XMLParser
    var objects: [S3Bucket.Object] = []
    var truncated = false
    var nextToken: String?
    private var text = ""
    private var key = "", size: Int64 = 0, modified = Date(timeIntervalSince1970: 0)

    init(_ data: Data) { parser = XMLParser(data: data) }

    func parse() -> Bool {
        parser.delegate = self
        return parser.parse()
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]
    ) {
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "Key": key = text
        case "Size": size = Int64(text) ?? 0
        case "LastModified": modified = Self.time(text) ?? modified
        case "Contents": objects.append(.init(key: key, size: size, lastModified: modified))
        case "IsTruncated": truncated = text == "true"
        case "NextContinuationToken": nextToken = text
        default: break
        }
    }

    /// S3 writes `2026-12-07T10:55:11.000Z`; some stores leave out the fraction.
    private static func time(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
