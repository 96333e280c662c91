import Fluent
import Foundation
import SQLKit
import TanggapCore

/// One row of `sla_policies`: the limits an institution (or the deployment) sets, for one classification or all.
struct SLAOverrideRow: Sendable {
    let institutionID: Int64?
    let classification: Classification?
    let override: SLAPolicy.Override

    private struct StoredPolicy: Decodable {
        let institution_id: Int64?
        let classification: String?
        let triage: String?
        let answer: String?
        let reply: String?
        let whole_case: String?
        let yellow_share: Double?
        let ladder_step: Int?
    }

    /// The deployment's overrides and those of every institution on the path, most general first: deployment,
    /// then from the top of the tree down; at each level the classification-specific row after the general one.
    static func onPath(_ holder: InstitutionPath, on db: any Database) async throws -> [SLAOverrideRow] {
        let rows = try await rows(
            where: { $0.where("institution_id", .is, SQLLiteral.null).orWhere("institution_id", .in, holder.ids) }, on: db)
        let depthOf = Dictionary(uniqueKeysWithValues: holder.ids.enumerated().map { ($1, $0) })
        return rows.sorted { a, b in
            let depthA = a.institutionID.map { depthOf[$0] ?? 0 } ?? -1, depthB = b.institutionID.map { depthOf[$0] ?? 0 } ?? -1
            if depthA != depthB { return depthA < depthB }
            return a.classification == nil && b.classification != nil
        }
    }

    /// The deployment-wide overrides only (no institution), general first.
    static func deploymentWide(on db: any Database) async throws -> [SLAOverrideRow] {
        try await rows(where: { $0.where("institution_id", .is, SQLLiteral.null) }, on: db)
            .sorted { $0.classification == nil && $1.classification != nil }
    }

    /// "5 working_days" → a limit.
    static func limit(_ text: String) -> TimeLimit? {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let amount = Int(parts[0]), amount > 0, amount <= 3650, let unit = TimeUnit(rawValue: String(parts[1]))
        else { return nil }
        return TimeLimit(amount, unit)
    }

    static func text(_ limit: TimeLimit) -> String { "\(limit.amount) \(limit.unit.rawValue)" }

    private static func rows(
        where condition: (SQLPredicateGroupBuilder) -> SQLPredicateGroupBuilder, on db: any Database
    ) async throws -> [SLAOverrideRow] {
        try await db.sql.select().columns(
            "institution_id", "classification", "triage", "answer", "reply", "whole_case", "yellow_share", "ladder_step"
        )
        .from("sla_policies").where(group: condition).all(decoding: StoredPolicy.self).map { row in
            SLAOverrideRow(
                institutionID: row.institution_id, classification: row.classification.flatMap(Classification.init(rawValue:)),
                override: SLAPolicy.Override(
                    triage: row.triage.flatMap(limit), answer: row.answer.flatMap(limit), reply: row.reply.flatMap(limit),
                    wholeCase: row.whole_case.flatMap(limit), yellowShare: row.yellow_share, ladderStep: row.ladder_step))
        }
    }
}
