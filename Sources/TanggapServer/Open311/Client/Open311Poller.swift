import Fluent
import Foundation
import Logging
import SQLKit
import TanggapCore

/// Follows the requests sent to bodies' Open311 systems: asks each system where its requests stand
/// (`requests.json?service_request_id=…`, the spec's own query, which every server answers) and turns what changed
/// into steps here, through the same lifecycle and outbox as any action — so the body's answer reaches the reporter
/// on their own channel, as an answer from a local body does.
/// - a new public note (`status_notes`) is the body's answer;
/// - `not councils responsibility` (FixMyStreet's word) sends the report back up, as "not our authority" here;
/// - a closed request ends the following; one closed without a note is answered with the status it closed with.
enum Open311Poller {
    /// Checked this often; each endpoint is asked every `TANGGAP_OPEN311_POLL_SECONDS`.
    static let task = PeriodicTask(name: "open311-poll", interval: 5) { context, db, logger in
        let now = context.clock.now()
        for endpoint in try await Open311Endpoints.all(on: db) {
            if let last = endpoint.last_polled_at, now.timeIntervalSince(last) < context.settings.open311PollSeconds { continue }
            try await db.sql.raw(
                "UPDATE open311_endpoints SET last_polled_at = \(bind: now) WHERE institution_id = \(bind: endpoint.institution_id)"
            ).run()
            do {
                try await poll(endpoint, context: context, now: now, on: db, logger: logger)
            } catch {
                try await Open311Endpoints.noteError(endpoint.institution_id, "poll: \(error)", now: now, on: db)
                logger.warning(
                    "open311 poll failed",
                    metadata: ["institution": .stringConvertible(endpoint.institution_id), "error": .string(String(describing: error))])
            }
        }
    }

    struct Followed: Decodable, Sendable {
        let id: Int64
        let report_id: Int64
        let remote_id: String
        let remote_notes: String?
    }

    /// The request as the body's system shows it: only what the client reads.
    struct Remote: Decodable, Sendable {
        let service_request_id: String
        let status: String?
        let extended_status: String?
        let status_notes: String?

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            guard let id = c.open311Identifier(.service_request_id) else {
                throw DecodingError.keyNotFound(CodingKeys.service_request_id, .init(codingPath: c.codingPath, debugDescription: "no id"))
            }
            service_request_id = id
            status = try? c.decodeIfPresent(String.self, forKey: .status)
            extended_status = try? c.decodeIfPresent(String.self, forKey: .extended_status)
            status_notes = try? c.decodeIfPresent(String.self, forKey: .status_notes)
        }

        enum CodingKeys: String, CodingKey { case service_request_id, status, extended_status, status_notes }
    }

    static func poll(
        _ endpoint: Open311Endpoints.Endpoint, context: TanggapContext, now: Date, on db: any Database, logger: Logger
    ) async throws {
        let followed = try await db.sql.raw(
            """
            SELECT id, report_id, remote_id, remote_notes FROM open311_dispatches
            WHERE institution_id = \(bind: endpoint.institution_id) AND state = 'sent' AND remote_id IS NOT NULL ORDER BY id
            """
        ).all(decoding: Followed.self)
        for dispatch in followed where dispatch.remote_id.hasPrefix("token:") {
            try await resolveToken(of: dispatch, at: endpoint, on: db)
        }
        for batch in stride(from: 0, to: followed.count, by: 100).map({ Array(followed[$0..<min($0 + 100, followed.count)]) }) {
            let ids = batch.map(\.remote_id).filter { !$0.hasPrefix("token:") }
            guard !ids.isEmpty else { continue }
            var query =
                "service_request_id="
                + ids.map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0 }
                .joined(separator: ",")
            if let jurisdiction = endpoint.jurisdiction_id {
                query += "&jurisdiction_id=" + (jurisdiction.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            let data = try await GatewayHTTP.call("open311", .GET, endpoint.url("requests.json?" + query), timeout: .seconds(30))
            let remote = Dictionary(try JSONDecoder().decode([Remote].self, from: data).map { ($0.service_request_id, $0) }) { a, _ in a }
            for dispatch in batch {
                guard let request = remote[dispatch.remote_id] else { continue }
                try await apply(
                    request, to: dispatch, institutionID: endpoint.institution_id, context: context, now: now, on: db, logger: logger)
            }
        }
        try await Open311Endpoints.noteSuccess(endpoint.institution_id, now: now, on: db)
    }

    /// A system that answered a new request with a token (its `service_request_id` comes later) is asked for the id.
    private static func resolveToken(of dispatch: Followed, at endpoint: Open311Endpoints.Endpoint, on db: any Database) async throws {
        struct Answer: Decodable {
            let service_request_id: String?
            init(from decoder: any Decoder) throws {
                service_request_id = try decoder.container(keyedBy: CodingKeys.self).open311Identifier(.service_request_id)
            }
            enum CodingKeys: String, CodingKey { case service_request_id }
        }
        let token = String(dispatch.remote_id.dropFirst("token:".count))
        let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
        let key = endpoint.api_key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let data = try await GatewayHTTP.call("open311", .GET, endpoint.url("tokens/\(encoded).json?api_key=\(key)"), timeout: .seconds(30))
        guard let id = try JSONDecoder().decode([Answer].self, from: data).first?.service_request_id, !id.isEmpty else { return }
        try await db.sql.raw("UPDATE open311_dispatches SET remote_id = \(bind: id) WHERE id = \(bind: dispatch.id)").run()
    }

    /// One request's news, applied once: the dispatch row moves in the same transaction as the step it causes.
    static func apply(
        _ request: Remote, to dispatch: Followed, institutionID: Int64, context: TanggapContext, now: Date, on db: any Database,
        logger: Logger
    ) async throws {
        let status = Open311Status.normalized(request.extended_status ?? request.status ?? "")
        let closed = request.status?.lowercased() == "closed" || Open311Status.finished.contains(status)
        let notes = request.status_notes.flatMap { TextNormalizer.isBlank($0) ? nil : $0 }
        let newNotes = notes != nil && notes != dispatch.remote_notes
        let language = context.settings.language
        var step: (EventKind, ActionRequest)?
        var action = ActionRequest()
        if status == "not councils responsibility" {
            action.reason = notes ?? context.localizer.text("open311.client.not_ours", language)
            step = (.notOurAuthority, action)
        } else if newNotes {
            action.text = notes
            step = (.answer, action)
        } else if closed && dispatch.remote_notes == nil {
            action.text = context.localizer.text("open311.client.closed", language, ["status": status])
            step = (.answer, action)
        }
        let end = closed || step?.0 == .notOurAuthority
        let record: @Sendable (any Database) async throws -> Void = { db in
            try await db.sql.raw(
                """
                UPDATE open311_dispatches SET remote_status = \(bind: status), remote_notes = \(bind: notes ?? dispatch.remote_notes)
                WHERE id = \(bind: dispatch.id)
                """
            ).run()
            if end {
                try await db.sql.raw(
                    "UPDATE open311_dispatches SET state = 'ended', ended_at = \(bind: now) WHERE id = \(bind: dispatch.id) AND state = 'sent'"
                ).run()
            }
        }
        guard let (kind, action) = step else {
            try await record(db)
            return
        }
        do {
            _ = try await ReportActions.perform(
                kind, action, on: dispatch.report_id, by: .peer, attributedTo: .peer(institutionID: institutionID), channel: .open311,
                also: { db, _ in try await record(db) }, context: context, on: db)
        } catch let error as TransitionError {
            // The report moved on here meanwhile (the reporter replied, an admin moved it): the news is noted, not applied.
            logger.info(
                "open311 update not applied",
                metadata: ["dispatch": .stringConvertible(dispatch.id), "step": .string(kind.rawValue), "reason": .string(error.code)])
            try await record(db)
        }
    }
}
