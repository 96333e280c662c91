import Fluent
import Foundation
import SQLKit
import TanggapCore

/// What crosses the border with a case, and how a case from another instance is taken in here. The reporter's
/// contacts and channel never cross; their name crosses only for a report that is not anonim; rahasia crosses as a
/// flag, enforced here like any local rahasia report. Categories and regions cross by their names in the national
/// lists, which every instance loads.
enum Handover {
    /// The case as the origin sends it to `peer`, `hops` already ending with this instance.
    static func payload(
        of report: ReportModel, hops: [String], toInstitutionID: Int64?, context: TanggapContext, on db: any Database
    ) async throws -> FederationPayload {
        var payload = FederationPayload()
        payload.trackingID = report.trackingID.display
        payload.title = report.title
        payload.body = report.body
        payload.classification = report.classification.rawValue
        if let id = report.categoryID { payload.category = try await CategoryModel.find(id, on: db)?.name }
        if let id = report.subcategoryID { payload.subcategory = try await CategoryModel.find(id, on: db)?.name }
        if let id = report.regionID, let region = try await RegionModel.find(id, on: db) {
            payload.region = region.name
            if let parent = region.parentID { payload.province = try await RegionModel.find(parent, on: db)?.name }
        }
        payload.eventDate = report.eventDate
        payload.locationText = report.locationText
        payload.latitude = report.latitude
        payload.longitude = report.longitude
        payload.isAnonymous = report.isAnonymous
        payload.isConfidential = report.isConfidential
        payload.reporterName = report.nameForHandover
        payload.submittedAt = report.createdAt
        payload.hops = hops
        payload.toInstitutionID = toInstitutionID
        payload.files = try await files(of: report, context: context, on: db)
        return payload
    }

    /// How much of the files sent with the report one hand-over carries; the inbox takes twice this (base64 adds a third).
    static let filesLimit = 12 * 1_048_576

    /// The files the reporter sent with the report, as stored (an image's metadata already removed at intake).
    private static func files(of report: ReportModel, context: TanggapContext, on db: any Database) async throws -> [FederationPayload.File]
    {
        var files: [FederationPayload.File] = []
        var total = 0
        for file in try await ReportQueries.attachments(of: report.id!, on: db) where file.eventID == nil && file.audience == .public {
            total += Int(file.size)
            guard total <= filesLimit else { break }
            let data = try await context.attachments.load(file.storageKey)
            files.append(FederationPayload.File(name: file.displayName, data: data.base64EncodedString()))
        }
        return files
    }

    /// Where the case stands here, for the origin's pages.
    static func status(of report: ReportModel, now: Date, on db: any Database) async throws -> FederationPayload {
        var payload = FederationPayload()
        payload.state = report.state.rawValue
        payload.holder = try await InstitutionDirectory.find(report.holderID, on: db)?.name
        payload.dueAt = report.sla.stageDueAt
        payload.light = SLAClock.light(of: report.sla, at: now)?.rawValue
        return payload
    }

    /// Why a case was not taken in: the origin routes it again (`report.returned`).
    enum Refusal: Error {
        case loop
        case invalid(String)
    }

    /// Takes in a case handed over by `peer`: a local report on the federation channel, starting where the origin
    /// pointed (or at the top of this tree), with its files checked and stripped as any upload is.
    static func takeIn(
        _ event: FederationEvent, from peer: Peers.Route, ownID: String, context: TanggapContext, on db: any Database
    ) async throws -> Submitted {
        let payload = event.payload
        let hops = payload.hops ?? []
        guard !hops.contains(ownID), hops.count < FederationPayload.hopLimit else { throw Refusal.loop }
        var input = ReportSubmission(
            classification: payload.classification, title: payload.title, body: payload.body, eventDate: payload.eventDate,
            locationText: payload.locationText, latitude: payload.latitude, longitude: payload.longitude,
            isAnonymous: payload.isAnonymous ?? true, isConfidential: payload.isConfidential ?? false, channel: Channel.federation.rawValue)
        // Only what an anonim report may carry is read for one: never a name, whatever the sender put in.
        if VisibilityPolicy.reporterNameCrossesToPeer(isAnonymous: input.isAnonymous) { input.reporterName = payload.reporterName }
        (input.categoryID, input.subcategoryID) = try await categoryIDs(payload.category, payload.subcategory, on: db)
        input.regionID = try await regionID(payload.region, in: payload.province, on: db)
        if let target = payload.toInstitutionID, try await InstitutionDirectory.find(target, on: db) != nil {
            input.targetInstitutionID = target
        }
        // A file that is not base64 is refused with the case, never dropped quietly: the origin hears what was wrong.
        let uploads = try (payload.files ?? []).map { file in
            guard let data = Data(base64Encoded: file.data) else { throw Refusal.invalid("files") }
            return Upload(name: file.name, data: data)
        }
        do {
            return try await ReportIntake.submit(
                input, uploads: uploads, from: .channelGateway, defaultChannel: .federation, context: context, on: db)
        } catch let failure as ValidationFailure {
            throw Refusal.invalid(failure.errors.map(\.field).joined(separator: ", "))
        } catch let error as APIError where error.status == .unprocessableEntity || error.status == .badRequest {
            throw Refusal.invalid(error.code)
        }
    }

    private static func categoryIDs(_ category: String?, _ subcategory: String?, on db: any Database) async throws -> (Int64?, Int64?) {
        guard let category, let main = try await CategoryModel.query(on: db).filter(\.$name == category).filter(\.$parentID == nil).first()
        else { return (nil, nil) }
        guard let subcategory else { return (main.id, nil) }
        let sub = try await CategoryModel.query(on: db).filter(\.$name == subcategory).filter(\.$parentID == main.id).first()
        return (main.id, sub?.id)
    }

    private static func regionID(_ name: String?, in province: String?, on db: any Database) async throws -> Int64? {
        guard let name else { return nil }
        var parentID: Int64?
        if let province {
            parentID = try await RegionModel.query(on: db).filter(\.$name == province).filter(\.$parentID == nil).first()?.id
            guard parentID != nil else { return nil }
        }
        return try await RegionModel.query(on: db).filter(\.$name == name).filter(\.$parentID == parentID).first()?.id
    }
}
