import Fluent
import Foundation
import TanggapCore
import Vapor

/// `/laporan`: everyone's published reports, with filters and search. Only what the visibility policy
/// publishes is ever listed: never a rahasia report, never a name.
enum PublicReportsController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("laporan", use: list)
    }

    struct Filters: Content {
        var q: String?
        var wilayah: String?
        var instansi: String?
        var kategori: String?
        var status: String?
        var jenis: String?
        var sesudah: String?
    }

    struct Listing: Encodable {
        let filters: Filters
        let provinces: [Choice]
        let institutions: [Choice]
        let categories: [Choice]
        let states: [Choice]
        let classifications: [Choice]
        let items: [ReportSummary]?
        let nextLink: String?
        let filtered: Bool
    }

    @Sendable static func list(_ req: Request) async throws -> Response {
        let filters = (try? req.query.decode(Filters.self)) ?? Filters()
        func id(_ text: String?) -> Int64? { text.flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil } }
        var filter = ReportFilter()
        filter.text = filters.q.map { String($0.trimmingCharacters(in: .whitespaces).prefix(100)) }
        filter.regionID = id(filters.wilayah)
        filter.categoryID = id(filters.kategori)
        filter.states = filters.status.flatMap(ReportState.init(rawValue:)).map { [$0] } ?? []
        filter.classification = filters.jenis.flatMap(Classification.init(rawValue:))
        var unknownInstitution = false
        if let institutionID = id(filters.instansi) {
            filter.institution = try await InstitutionDirectory.find(institutionID, on: req.db)?.path
            unknownInstitution = filter.institution == nil
        }
        var page = PageRequest()
        page.after = id(filters.sesudah)
        // An unknown institution matches nothing rather than everything.
        let (reports, more) =
            unknownInstitution
            ? ([], false)
            : try await ReportQueries.list(
                filter, scope: VisibilityPolicy.listScope(for: .publicVisitor), page: page, now: req.now,
                remembering: req.tanggap.searchPlans,
                on: req.db)
        let items = try await ReportSummary.list(reports, on: req)

        var next: String?
        if more, let last = reports.last?.id {
            var components = URLComponents()
            components.path = "/laporan"
            components.queryItems = [
                ("q", filters.q), ("wilayah", filters.wilayah), ("instansi", filters.instansi),
                ("kategori", filters.kategori), ("status", filters.status), ("jenis", filters.jenis),
                ("sesudah", String(last)),
            ]
            .compactMap { name, value in value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) } }
            next = components.string
        }
        let listing = Listing(
            filters: filters,
            provinces: try await PortalChoices.provinces(selected: filter.regionID, on: req),
            institutions: try await PortalChoices.institutions(selected: id(filters.instansi), on: req),
            categories: try await PortalChoices.categories(selected: filter.categoryID, on: req),
            states: PortalChoices.states(selected: filters.status, on: req),
            classifications: PortalChoices.classifications(selected: filters.jenis, on: req),
            items: items.nilIfEmpty, nextLink: next,
            filtered: [filters.q, filters.wilayah, filters.instansi, filters.kategori, filters.status, filters.jenis]
                .contains { !($0 ?? "").isEmpty })
        return try await req.renderPage("portal/daftar-laporan", listing)
    }
}

/// One line of a list of reports: enough to recognise it, nothing about who filed it.
struct ReportSummary: Encodable {
    let trackingID: String
    let title: String
    let state: String
    let stateKey: ReportState
    let holder: String
    let place: String?
    let createdAt: String
    let supportCount: Int
    let commentCount: Int

    static func list(_ reports: [ReportModel], on req: Request) async throws -> [ReportSummary] {
        let names = try await NameBook.load(reports: reports, on: req.db)
        return reports.map { report in
            ReportSummary(
                trackingID: report.trackingID.display, title: report.title,
                state: req.label(report.state), stateKey: report.state,
                holder: names.institution(report.holderID)?.name ?? "", place: names.region(report.regionID)?.name,
                createdAt: DisplayFormat.date(report.createdAt, req), supportCount: report.supportCount, commentCount: report.commentCount)
        }
    }
}
