import Fluent
import Foundation
import TanggapCore

/// The names behind the ids a page shows, loaded in a handful of queries however many reports it lists.
struct NameBook: Sendable {
    var institutions: [Int64: String] = [:]
    var categories: [Int64: String] = [:]
    var regions: [Int64: String] = [:]
    var users: [Int64: String] = [:]
    var trackingIDs: [Int64: String] = [:]

    static func load(reports: [ReportModel], events: [ReportEventModel] = [], on db: any Database) async throws -> NameBook {
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
        var book = NameBook()
        book.institutions = try await InstitutionDirectory.names(institutionIDs, on: db)
        if !categoryIDs.isEmpty {
            for model in try await CategoryModel.query(on: db).filter(\.$id ~~ Array(categoryIDs)).all() { book.categories[model.id!] = model.name }
        }
        if !regionIDs.isEmpty {
            for model in try await RegionModel.query(on: db).filter(\.$id ~~ Array(regionIDs)).all() { book.regions[model.id!] = model.name }
        }
        if !userIDs.isEmpty {
            for model in try await UserModel.query(on: db).filter(\.$id ~~ Array(userIDs)).all() { book.users[model.id!] = model.name }
        }
        if !reportIDs.isEmpty {
            for model in try await ReportModel.query(on: db).filter(\.$id ~~ Array(reportIDs)).all() {
                book.trackingIDs[model.id!] = TrackingID(parsing: model.trackingID)?.display
            }
        }
        return book
    }

    func institution(_ id: Int64?) -> Named? { id.map { Named(id: $0, name: institutions[$0] ?? "") } }
    func category(_ id: Int64?) -> Named? { id.map { Named(id: $0, name: categories[$0] ?? "") } }
    func region(_ id: Int64?) -> Named? { id.map { Named(id: $0, name: regions[$0] ?? "") } }
    func user(_ id: Int64?) -> Named? { id.map { Named(id: $0, name: users[$0] ?? "") } }
}
