import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The names behind the ids a page shows, loaded in a handful of queries however many reports it lists.
struct NameBook: Sendable {
    var institutions: [Int64: String] = [:]
    var categories: [Int64: String] = [:]
    var regions: [Int64: String] = [:]
    var users: [Int64: String] = [:]
    var trackingIDs: [Int64: String] = [:]
    /// The app an Open311 report came from, by report id.
    var apps: [Int64: String] = [:]

    /// `known` holds names the caller has already read: only the others are looked up.
    static func load(
        reports: [ReportModel], events: [ReportEventModel] = [], known: NameBook = NameBook(), on db: any Database
    ) async throws -> NameBook {
        var institutionIDs = Set<Int64>(), categoryIDs = Set<Int64>(), regionIDs = Set<Int64>()
        var userIDs = Set<Int64>(), reportIDs = Set<Int64>()
        for report in reports {
            institutionIDs.insert(report.holderID)
            if let id = report.targetInstitutionID { institutionIDs.insert(id) }
            for id in [report.categoryID, report.subcategoryID] { if let id { categoryIDs.insert(id) } }
            if let id = report.regionID { regionIDs.insert(id) }
            if let id = report.assigneeID { userIDs.insert(id) }
            if let id = report.duplicateOfID { reportIDs.insert(id) }
        }
        for event in events {
            institutionIDs.formUnion([event.fromInstitutionID, event.toInstitutionID])
            if let id = event.actorInstitutionID { institutionIDs.insert(id) }
            if let id = event.actorUserID { userIDs.insert(id) }
            let details = EventDetails.decode(event.details)
            if let id = details?.assigneeID { userIDs.insert(id) }
            if let id = details?.notifiedInstitutionID { institutionIDs.insert(id) }
        }
        var book = known
        let fromApps = reports.filter { $0.channel == .open311 }.compactMap(\.id).filter { known.apps[$0] == nil }
        if !fromApps.isEmpty {
            let rows = try await db.sql.raw(
                """
                SELECT o.report_id AS id, c.name FROM open311_requests o JOIN open311_clients c ON c.id = o.client_id
                WHERE o.report_id IN (\(SQLList(fromApps.map(SQLBind.init))))
                """
            ).all()
            for row in rows { book.apps[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "name", as: String.self) }
        }
        func add(_ names: [Int64: String], to list: inout [Int64: String]) { list.merge(names) { _, read in read } }
        add(try await Self.names(in: "institutions", institutionIDs.subtracting(known.institutions.keys), on: db), to: &book.institutions)
        add(try await Self.names(in: "categories", categoryIDs.subtracting(known.categories.keys), on: db), to: &book.categories)
        add(try await Self.names(in: "regions", regionIDs.subtracting(known.regions.keys), on: db), to: &book.regions)
        add(try await Self.names(in: "users", userIDs.subtracting(known.users.keys), on: db), to: &book.users)
        add(
            try await Self.names(in: "reports", column: "tracking_id", reportIDs.subtracting(known.trackingIDs.keys), on: db)
                .compactMapValues { TrackingID(parsing: $0)?.display }, to: &book.trackingIDs)
        return book
    }

    /// One text column of a table by id, read as plain rows: a list page names hundreds of things, and decoding
    /// each as a model costs more than the query.
    static func names(in table: String, column: String = "name", _ ids: Set<Int64>, on db: any Database) async throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }  // PostgreSQL refuses an empty IN list
        let list = SQLList(ids.map { SQLBind($0) })
        let rows = try await db.sql.raw("SELECT id, \(ident: column) AS name FROM \(ident: table) WHERE id IN (\(list))").all()
        var names: [Int64: String] = [:]
        for row in rows { names[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "name", as: String.self) }
        return names
    }

    func institution(_ id: Int64?) -> Named? { id.map { Named(id: $0, name: institutions[$0] ?? "") } }
    func category(_ id: Int64?) -> Named? { id.map { Named(id: $0, name: categories[$0] ?? "") } }
    func region(_ id: Int64?) -> Named? { id.map { Named(id: $0, name: regions[$0] ?? "") } }
    func user(_ id: Int64?) -> Named? { id.map { Named(id: $0, name: users[$0] ?? "") } }
}
