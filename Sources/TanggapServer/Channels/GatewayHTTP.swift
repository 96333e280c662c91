import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Calls to gateways' HTTP APIs. Errors name the gateway and the status, never the URL: some gateways (Telegram)
/// put the credential in it, and errors end up in logs and in the dead letter.
enum GatewayHTTP {
    struct Failure: Error, CustomStringConvertible {
        let gateway: String
        let status: UInt
        let detail: String
        var description: String { "\(gateway) answered HTTP \(status): \(detail)" }
    }

    static let maxResponse = 25 * 1024 * 1024

    /// `timeout` bounds the whole call: a gateway that cannot be reached is retried by the HTTP client until then.
    static func call(
        _ gateway: String, _ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: Data? = nil,
        timeout: TimeAmount = .seconds(10)
    ) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw Failure(gateway: gateway, status: 0, detail: "unreachable (\(type(of: error)))")
        }
        let bytes = try await response.body.collect(upTo: maxResponse)
        guard (200..<300).contains(response.status.code) else {
            throw Failure(gateway: gateway, status: response.status.code, detail: String(String(buffer: bytes).prefix(200)))
        }
        return Data(buffer: bytes)
    }

    static func json(_ value: some Encodable) throws -> Data { try JSONEncoder().encode(value) }

    static func form(_ fields: [(String, String)]) -> Data {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return Data(
            fields.map { name, value in
                "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
            }.joined(separator: "&").utf8)
    }
}
