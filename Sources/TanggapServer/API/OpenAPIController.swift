import Foundation
import Vapor

/// Serves `docs/openapi.yaml`, the description of this API, read once at start.
struct OpenAPIDocument: Sendable {
    let yaml: String

    static func load(from directory: String) throws -> OpenAPIDocument {
        let path = (directory as NSString).appendingPathComponent("docs/openapi.yaml")
        guard let data = FileManager.default.contents(atPath: path) else { throw LocalizerError.missingCatalog(path) }
        return OpenAPIDocument(yaml: String(decoding: data, as: UTF8.self))
    }

    func register(_ api: any RoutesBuilder) {
        let yaml = self.yaml
        api.get("openapi.yaml") { _ -> Response in
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "application/yaml; charset=utf-8")
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
            return Response(status: .ok, headers: headers, body: .init(string: yaml))
        }
    }
}
