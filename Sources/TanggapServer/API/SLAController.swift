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
        try await effective(institutionID: try req.institutionQueryParameter(), classification: try classificationParameter(req), req)
    }

    static func effective(institutionID: Int64?, classification: Classification?, _ req: Request) async throws -> Policy {
        var policy = SLAPolicy.standard
        if let institutionID {
            let path = try await InstitutionDirectory.path(of: institutionID, on: req.db)
            policy = try await req.tanggap.calendars.context(
                for: path, classification: classification ?? .pengaduan, isEscalated: false, now: req.now, on: req.db
            ).policy
        } else {
            let rows = try await SLAOverrideRow.deploymentWide(on: req.db)
                .filter { $0.classification == nil || $0.classification == classification }
            policy = policy.applying(rows.map(\.override))
        }
        return Policy(
            institutionID: institutionID, classification: classification?.rawValue, triage: limit(policy.triage),
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
        let path = try await InstitutionDirectory.path(of: body.institutionID, on: req.db)
        try req.requireMayConfigure(path)
        var check = FieldChecker()
        let classification = body.classification.map(Classification.init(rawValue:))
        if classification == .some(nil) { check.add("classification", .invalid) }
        var override = DeadlineRules.Override(yellowShare: body.yellowShare, ladderStep: body.ladderStep)
        for (field, value, path) in [
            ("triage", body.triage, \DeadlineRules.Override.triage), ("answer", body.answer, \.answer),
            ("reply", body.reply, \.reply), ("whole_case", body.wholeCase, \.wholeCase),
        ] {
            guard let value else { continue }
            if let unit = TimeUnit(rawValue: value.unit), (1...3650).contains(value.amount) {
                override[keyPath: path] = TimeLimit(value.amount, unit)
            } else {
                check.add(field, .invalid)
            }
        }
        if let share = body.yellowShare, !(0.0...1.0).contains(share) || !share.isFinite { check.add("yellow_share", .invalid) }
        if let step = body.ladderStep, !(1...60).contains(step) { check.add("ladder_step", .invalid) }
        try check.finish()
        try await DeadlineRules.setLimits(
            override, institutionID: body.institutionID, classification: classification ?? nil,
            by: req.signedInUser?.id, context: req.tanggap, on: req.db)
        return try await effective(institutionID: body.institutionID, classification: classification ?? nil, req)
    }

    @Sendable static func removeOverride(_ req: Request) async throws -> HTTPStatus {
        let institutionID = try req.institutionQueryParameter()
        let path = try await InstitutionDirectory.path(of: institutionID, on: req.db)
        try req.requireMayConfigure(path)
        try await DeadlineRules.removeLimits(
            institutionID: institutionID, classification: try classificationParameter(req),
            by: req.signedInUser?.id, context: req.tanggap, on: req.db)
        return .noContent
    }

    private static func classificationParameter(_ req: Request) throws -> Classification? {
        guard let raw = try? req.query.get(String.self, at: "classification"), !raw.isEmpty else { return nil }
        guard let value = Classification(rawValue: raw) else { throw APIError.field("classification", .invalid) }
        return value
    }

    private static func limit(_ limit: TimeLimit) -> Limit { Limit(amount: limit.amount, unit: limit.unit.rawValue) }
}
