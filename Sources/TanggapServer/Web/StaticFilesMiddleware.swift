import Foundation
import Vapor

/// Serves the files under `Public/`, but asks the file system only about paths that can be one: a GET or HEAD whose
/// first segment names an entry at the top of that folder (listed once, at start). Vapor's `FileMiddleware` alone
/// looks every request's path up on the file system's own threads — a trip to another thread and back for each API
/// call and page, and more than a third of what `/healthz` cost.
struct StaticFilesMiddleware: AsyncMiddleware {
    private let files: FileMiddleware
    private let topLevel: Set<String>

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil)
        topLevel = Set((try? FileManager.default.contentsOfDirectory(atPath: publicDirectory)) ?? [])
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET || request.method == .HEAD,
            let first = request.url.path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true).first,
            topLevel.contains(String(first))
        else { return try await next.respond(to: request) }
        return try await files.respond(to: request, chainingTo: next)
    }
}
