import Fluent
import Foundation
import SQLKit
import TanggapCore

/// A report dispatched to a node that is an Open311 endpoint is sent to the body's system: the dispatch is written
/// with the action (the outbox), and a job posts it (`send`), retried with a growing wait while the body's system is
/// away (up to `maxAttempts`, about a day), given up at once when the system refuses it (a 4xx) — the admin sees it
/// and may send it again. A report that leaves the node (or is archived there) stops being followed.
enum Open311Dispatch {
    static let jobKind = "open311.send"
    /// With a wait doubling up to an hour: about a day of trying before the job's dead letter.
    static let maxAttempts = 30

    struct Payload: Codable { let dispatch: Int64 }

    /// In the action's transaction: ends what the report leaves, and queues what it moves to.
    static func afterAction(_ transition: Transition, kind: EventKind, on report: ReportModel, now: Date, on db: any Database) async throws
    {
        guard transition.movedHolder || kind == .archive else { return }
        let reportID = report.id!
        try await db.sql.raw(
            """
            UPDATE open311_dispatches SET state = 'ended', ended_at = \(bind: now)
            WHERE report_id = \(bind: reportID) AND state IN ('queued', 'sent')
            """
        ).run()
        guard transition.movedHolder, try await Open311Endpoints.find(atNode: transition.toHolder.institutionID, on: db) != nil else {
            return
        }
        try await queue(reportID: reportID, institutionID: transition.toHolder.institutionID, now: now, on: db)
    }

    private static func queue(reportID: Int64, institutionID: Int64, now: Date, on db: any Database) async throws {
        let id = try await NewRow.insert(
            into: "open311_dispatches", columns: "report_id, institution_id, state, created_at",
            [reportID, institutionID, "queued", now], on: db)
        try await JobQueue.enqueue(jobKind, payload: Payload(dispatch: id), runAt: now, maxAttempts: maxAttempts, on: db)
    }

    /// Sends the dispatches the body refused again (after the admin fixed the mapping or the key). Returns how many.
    static func retry(institutionID: Int64, now: Date, on db: any Database) async throws -> Int {
        struct Row: Decodable { let id: Int64 }
        let failed = try await db.sql.raw(
            "SELECT id FROM open311_dispatches WHERE institution_id = \(bind: institutionID) AND state = 'failed' ORDER BY id"
        ).all(decoding: Row.self)
        try await db.transaction { db in
            for row in failed {
                try await db.sql.raw("UPDATE open311_dispatches SET state = 'queued', last_error = NULL WHERE id = \(bind: row.id)").run()
                try await JobQueue.enqueue(jobKind, payload: Payload(dispatch: row.id), runAt: now, maxAttempts: maxAttempts, on: db)
            }
        }
        return failed.count
    }

    private struct Row: Decodable {
        let id: Int64
        let report_id: Int64
        let institution_id: Int64
        let state: String
    }

    /// Refused by the body's system: not worth a retry until someone changes something.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    static let send: JobHandler = { run in
        let payload = try run.payload(Payload.self)
        guard
            let row = try await run.db.sql.raw(
                "SELECT id, report_id, institution_id, state FROM open311_dispatches WHERE id = \(bind: payload.dispatch)"
            ).first(decoding: Row.self), row.state == "queued",
            let endpoint = try await Open311Endpoints.find(atNode: row.institution_id, on: run.db),
            let report = try await ReportModel.find(row.report_id, on: run.db)
        else { return }
        do {
            let fields = try await form(for: report, to: endpoint, context: run.context, on: run.db)
            let answer = try await GatewayHTTP.call(
                "open311", .POST, endpoint.url("requests.json"), headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: GatewayHTTP.form(fields), timeout: .seconds(30))
            let remoteID = try remoteID(in: answer)
            try await run.db.sql.raw(
                """
                UPDATE open311_dispatches SET state = 'sent', remote_id = \(bind: remoteID), sent_at = \(bind: run.now), last_error = NULL
                WHERE id = \(bind: row.id) AND state = 'queued'
                """
            ).run()
            try await Open311Endpoints.noteSuccess(row.institution_id, now: run.now, on: run.db)
        } catch let failure as GatewayHTTP.Failure
            where (400..<500).contains(failure.status) && failure.status != 408 && failure.status != 429
        {
            try await giveUp(row, because: failure.description, now: run.now, on: run.db)
        } catch let refusal as Refusal {
            try await giveUp(row, because: refusal.description, now: run.now, on: run.db)
        } catch {
            try await run.db.sql.raw(
                "UPDATE open311_dispatches SET last_error = \(bind: String(String(describing: error).prefix(500))) WHERE id = \(bind: row.id)"
            ).run()
            try await Open311Endpoints.noteError(row.institution_id, String(describing: error), now: run.now, on: run.db)
            throw error
        }
    }

    private static func giveUp(_ row: Row, because reason: String, now: Date, on db: any Database) async throws {
        try await db.sql.raw(
            "UPDATE open311_dispatches SET state = 'failed', last_error = \(bind: String(reason.prefix(500))) WHERE id = \(bind: row.id)"
        ).run()
        try await Open311Endpoints.noteError(row.institution_id, reason, now: now, on: db)
    }

    /// The request as the body's system takes it. The reporter is named only as `VisibilityPolicy` allows (an anonim
    /// report carries no identity at all, so there is nothing for the body to hide); a rahasia report goes only to a
    /// system that says it keeps reports secret (a `rahasia` attribute in its service's definition).
    static func form(
        for report: ReportModel, to endpoint: Open311Endpoints.Endpoint, context: TanggapContext, on db: any Database
    )
        async throws -> [(String, String)]
    {
        guard let service = endpoint.serviceCode(category: report.categoryID, subcategory: report.subcategoryID) else {
            throw Refusal(description: "no service of the body is mapped to the report's category")
        }
        var fields: [(String, String)] = [("api_key", endpoint.api_key), ("service_code", service)]
        if let jurisdiction = endpoint.jurisdiction_id { fields.append(("jurisdiction_id", jurisdiction)) }
        fields.append(("description", "\(report.title)\n\n\(report.body)"))
        if let latitude = report.latitude, let longitude = report.longitude {
            fields += [("lat", String(latitude)), ("long", String(longitude))]
        }
        var address = report.locationText
        if address == nil, let region = report.regionID { address = try await RegionModel.find(region, on: db)?.name }
        if address != nil || report.latitude == nil { fields.append(("address_string", address ?? "Indonesia")) }
        let mayGo = try await VisibilityPolicy.reportMayGoToOpen311Body(isConfidential: report.isConfidential) {
            try await remoteAttributes(service, of: endpoint).contains("rahasia")
        }
        guard mayGo else { throw Refusal(description: "the body's system does not say it keeps a rahasia report secret") }
        if report.isConfidential { fields.append(("attribute[rahasia]", "true")) }
        if VisibilityPolicy.reporterCrossesToOpen311Body(isAnonymous: report.isAnonymous, bodyReceivesContacts: endpoint.sends_contacts),
            let reporter = report.reporter(for: ReportAccess(level: .staff, seesReporterIdentity: true))
        {
            if let name = reporter.name { fields.append(("first_name", name)) }
            if let email = reporter.email { fields.append(("email", email)) }
            if let phone = reporter.phone { fields.append(("phone", phone)) }
        }
        return fields
    }

    /// The attribute codes the body's service takes, from its definition.
    private static func remoteAttributes(_ service: String, of endpoint: Open311Endpoints.Endpoint) async throws -> Set<String> {
        struct Definition: Decodable {
            struct Attribute: Decodable { let code: String }
            let attributes: [Attribute]?
        }
        let path = "services/\(service.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? service).json"
        let data = try await GatewayHTTP.call("open311", .GET, endpoint.url(path), timeout: .seconds(30))
        return Set((try JSONDecoder().decode(Definition.self, from: data).attributes ?? []).map(\.code))
    }

    /// The body's id for the new request (or its token, to be asked about later), from the spec's answer.
    private static func remoteID(in answer: Data) throws -> String {
        struct Created: Decodable {
            let service_request_id: String?
            let token: String?

            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                service_request_id = c.open311Identifier(.service_request_id)
                token = c.open311Identifier(.token)
            }

            enum CodingKeys: String, CodingKey { case service_request_id, token }
        }
        guard let first = try JSONDecoder().decode([Created].self, from: answer).first else {
            throw Refusal(description: "the body's system answered without a request id")
        }
        if let id = first.service_request_id, !id.isEmpty { return id }
        if let token = first.token, !token.isEmpty { return "token:" + token }
        throw Refusal(description: "the body's system answered without a request id")
    }
}
