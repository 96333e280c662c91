import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// `/api/v1/sla`: the time limits in force for an institution and classification, and the overrides that
/// make them (deployment-wide, or per institution, each optionally per classification).
enum SLAController {
    static func register(_ api: any RoutesBuilder) {
        api.get("sla", use: effective)
        api.put("sla", use: setOverride)
        api.delete("sla", use: removeOverride)
    }

    struct Limit: Content {
        let amount: Int
        let unit: String
    }

    struct Policy: Content {
        let institutionID: Int64?
        let classification: String?
        let triage: Limit
        let answer: Limit
        let reply: Limit
        let wholeCase: Limit
        let yellowShare: Double
        let ladderStep: Int
    }

    @Sendable static func effective(_ req: Request) async throws -> Policy {
        try await effective(institutionID: try CalendarController.institutionParameter(req), classification: try classificationParameter(req), req)
    }

    static func effective(institutionID: Int64?, classification: Classification?, _ req: Request) async throws -> Policy {
        var policy = SLAPolicy.standard
        if let institutionID {
            let path = try await CalendarController.institutionPath(institutionID, req)
            policy = try await req.tanggap.calendars.context(for: path, classification: classification ?? .pengaduan, isEscalated: false, now: req.now, on: req.db).policy
        } else {
            let rows = try await SLAOverrideRow.deploymentWide(on: req.db)
                .filter { $0.classification == nil || $0.classification == classification }
            policy = policy.applying(rows.map(\.override))
        }
        return Policy(institutionID: institutionID, classification: classification?.rawValue, triage: limit(policy.triage),
                      answer: limit(policy.answer), reply: limit(policy.reply), wholeCase: limit(policy.wholeCase),
                      yellowShare: policy.yellowShare, ladderStep: policy.ladderStep)
    }

    struct OverrideBody: Content {
        var institutionID: Int64?
        var classification: String?
        var triage: Limit?
        var answer: Limit?
        var reply: Limit?
        var wholeCase: Limit?
        var yellowShare: Double?
        var ladderStep: Int?

        enum CodingKeys: String, CodingKey {
            case institutionID = "institution_id", classification, triage, answer, reply, wholeCase = "whole_case"
            case yellowShare = "yellow_share", ladderStep = "ladder_step"
        }
    }

    /// Replaces the override for one scope: what the body leaves out falls back to the level above.
    @Sendable static func setOverride(_ req: Request) async throws -> Policy {
        let body = try req.decodeBody(OverrideBody.self)
        let path = try await CalendarController.institutionPath(body.institutionID, req)
        try CalendarController.requireConfigure(path, req)
        var check = FieldChecker()
        let classification = body.classification.map(Classification.init(rawValue:))
        if classification == .some(nil) { check.add("classification", .invalid) }
        var texts: [String: String?] = [:]
        for (field, value) in [("triage", body.triage), ("answer", body.answer), ("reply", body.reply), ("whole_case", body.wholeCase)] {
            guard let value else { texts[field] = .some(nil); continue }
            if let unit = TimeUnit(rawValue: value.unit), (1...3650).contains(value.amount) {
                texts[field] = SLAOverrideRow.text(TimeLimit(value.amount, unit))
            } else {
                check.add(field, .invalid)
            }
        }
        if let share = body.yellowShare, !(0.0...1.0).contains(share) || !share.isFinite { check.add("yellow_share", .invalid) }
        if let step = body.ladderStep, !(1...60).contains(step) { check.add("ladder_step", .invalid) }
        try check.finish()
        let classificationText = classification.flatMap { $0?.rawValue }
        let limits = texts
        try await req.db.transaction { db in
            try await deleteRow(institutionID: body.institutionID, classification: classificationText, on: db)
            try await db.sql.insert(into: "sla_policies")
                .columns("institution_id", "classification", "triage", "answer", "reply", "whole_case", "yellow_share", "ladder_step", "updated_at")
                .values(SQLBind(body.institutionID), SQLBind(classificationText), SQLBind(limits["triage"] ?? nil), SQLBind(limits["answer"] ?? nil),
                        SQLBind(limits["reply"] ?? nil), SQLBind(limits["whole_case"] ?? nil), SQLBind(body.yellowShare), SQLBind(body.ladderStep), SQLBind(req.now))
                .run()
            try await req.audit("sla_set", limits.compactMapValues { $0 }.merging(["classification": classificationText ?? "all"]) { $1 },
                                institutionID: body.institutionID, on: db)
        }
        req.tanggap.calendars.clear()
        return try await effective(institutionID: body.institutionID, classification: classification ?? nil, req)
    }

    @Sendable static func removeOverride(_ req: Request) async throws -> HTTPStatus {
        let institutionID = try CalendarController.institutionParameter(req)
        let path = try await CalendarController.institutionPath(institutionID, req)
        try CalendarController.requireConfigure(path, req)
        let classification = try classificationParameter(req)?.rawValue
        try await deleteRow(institutionID: institutionID, classification: classification, on: req.db)
        try await req.audit("sla_removed", ["classification": classification ?? "all"], institutionID: institutionID)
        req.tanggap.calendars.clear()
        return .noContent
    }

    private static func deleteRow(institutionID: Int64?, classification: String?, on db: any Database) async throws {
        var delete = db.sql.delete(from: "sla_policies")
        delete = institutionID.map { delete.where("institution_id", .equal, SQLBind($0)) } ?? delete.where("institution_id", .is, SQLLiteral.null)
        delete = classification.map { delete.where("classification", .equal, SQLBind($0)) } ?? delete.where("classification", .is, SQLLiteral.null)
        try await delete.run()
    }

    private static func classificationParameter(_ req: Request) throws -> Classification? {
        guard let raw = try? req.query.get(String.self, at: "classification"), !raw.isEmpty else { return nil }
        guard let value = Classification(rawValue: raw) else { throw APIError.field("classification", .invalid) }
        return value
    }

    private static func limit(_ limit: TimeLimit) -> Limit { Limit(amount: limit.amount, unit: limit.unit.rawValue) }
}
