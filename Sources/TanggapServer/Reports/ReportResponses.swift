import Fluent
import Foundation
import TanggapCore
import Vapor

/// How a report and its files are answered, the same for the API, the portal and the back office.
enum ReportResponses {
    /// A report as the viewer may see it, for every surface that shows one. `attachments` when already known
    /// (none); read otherwise.
    static func representation(
        _ report: ReportModel, access: ReportAccess, actor: Actor?, attachments: [AttachmentModel]? = nil,
        names known: NameBook = NameBook(),
        now: Date, on db: any Database
    ) async throws -> ReportRepresentation {
        let names = try await NameBook.load(reports: [report], known: known, on: db)
        var files = attachments ?? []
        if attachments == nil { files = try await ReportQueries.attachments(of: report.id!, on: db) }
        var representation = ReportPresenter.report(report, access: access, actor: actor, names: names, attachments: files, now: now)
        if report.isAnonymous && access.level >= .reporter {
            representation.identityOpenings = try await IdentityReveals.openings(of: report.id!, on: db)
        }
        representation.handovers = try await FederationLinks.representations(of: report.id!, on: db).nilIfEmpty
        return representation
    }

    /// Anything beyond the public view is personal: never cached by a shared cache.
    static func personal(_ content: some Content, for req: Request) async throws -> Response {
        let response = try await content.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    /// One of a report's files, if the viewer may read it, served so that it can run nothing.
    static func file(_ publicID: String, of viewed: ViewedReport, for req: Request) async throws -> Response {
        guard
            let file = try await AttachmentModel.query(on: req.db)
                .filter(\.$reportID == viewed.report.id!).filter(\.$publicID == publicID).first(),
            ReportPresenter.readable(file, by: viewed.access)
        else { throw APIError.notFound }
        let kind = file.kind
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: kind.contentType)
        let disposition = kind.isImage ? "inline" : "attachment"
        let encodedName = file.displayName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "lampiran"
        headers.replaceOrAdd(name: .contentDisposition, value: "\(disposition); filename*=UTF-8''\(encodedName)")
        // A file is shown as what it is and can run nothing, even if a browser were tempted.
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; img-src 'self'; sandbox")
        // Never kept by a shared cache: a report can be unpublished, archived as spam or made rahasia at any
        // moment, and a cached copy would go on serving its files to anyone. A public file may be kept by the
        // browser but is asked for again each time (its ETag makes that cheap).
        headers.replaceOrAdd(name: .cacheControl, value: viewed.access.level == .public ? "private, no-cache" : "private, no-store")
        let etag = "\"\(file.publicID)\""
        headers.replaceOrAdd(name: .eTag, value: etag)
        if viewed.access.level == .public, req.headers.first(name: .ifNoneMatch) == etag {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: try await req.tanggap.attachments.body(file.storageKey))
    }
}
