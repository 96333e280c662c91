import Fluent
import Foundation
import TanggapCore
import Vapor

/// The inbox's filters, as its query string names them; the inbox and its CSV export narrow their lists with them.
struct InboxFilters: Content {
    var tab: String?
    var instansi: String?
    var kategori: String?
    var jenis: String?
    var kanal: String?
    var wilayah: String?
    var dari: String?
    var sampai: String?
    var q: String?
    var sesudah: String?

    /// The filters that narrow every tab alike. A search is run once for all the tabs: when it finds few reports
    /// among the open work the tabs cut, each tab counts and lists those reports by id. (On SQLite each of the eight
    /// queries would otherwise gather a common word's matches again: 20 ms each among open reports at ten million.)
    func narrowing(
        for user: SignedInUser, scope: ListScope, on req: Request
    ) async throws -> (inout ReportFilter) -> Void {
        let narrowing = try await narrowedAlike(on: req)
        var searched = InboxTab.openWork(for: user)
        narrowing(&searched)
        guard searched.text?.isEmpty == false,
            let found = try await ReportQueries.ids(
                searched, scope: scope, now: req.now, upTo: ReportQueries.fewReports, remembering: req.tanggap.searchPlans, on: req.db)
        else { return narrowing }
        return { filter in
            narrowing(&filter)
            filter.text = nil
            filter.ids = found
        }
    }

    private func narrowedAlike(on req: Request) async throws -> (inout ReportFilter) -> Void {
        func id(_ text: String?) -> Int64? { text.flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil } }
        let institution = try await id(instansi).asyncMap { try await InstitutionDirectory.find($0, on: req.db) } ?? nil
        let zone = req.tanggap.settings.timeZone
        let from = dari.flatMap(LocalDate.init(iso:)).map { Workplace.start(of: $0, in: zone) }
        let until = sampai.flatMap(LocalDate.init(iso:)).map { Workplace.start(of: $0.adding(days: 1), in: zone) }
        let text = q.map { String($0.trimmingCharacters(in: .whitespaces).prefix(100)) }
        return { filter in
            if let institution { filter.institution = institution.path }
            filter.categoryID = id(kategori)
            filter.classification = jenis.flatMap(Classification.init(rawValue:))
            filter.channel = kanal.flatMap(TanggapCore.Channel.init(rawValue:))
            filter.regionID = id(wilayah)
            filter.createdFrom = from
            filter.createdBefore = until
            filter.text = text
        }
    }
}
