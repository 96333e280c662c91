import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The figures behind the statistics pages: per institution one level below the one looked at, and per
/// province. Spam is not counted; rahasia reports are, since they are work done, but only ever as numbers.
enum PublicStatistics {
    struct Row: Sendable {
        let id: Int64
        let name: String
        var figures = PerformanceFigures()
    }

    struct Result: Sendable {
        var overall = PerformanceFigures()
        var institutions: [Row]
        var regions: [Row]
    }

    private struct FactRow: Decodable {
        let holder_path: String
        let region_id: Int64?
        let created_at: Date
        let first_answered_at: Date?
        let first_answer_late: Bool?
        let state: String
        let sla_stage: String?
        let held_at: Date?
        let stage_due_at: Date?
        let rating: String?
    }

    /// Reports received since `since` (all of them when nil) and held anywhere under `institution`.
    static func compute(under institution: Institution, since: Date?, now: Date, on db: any Database) async throws -> Result {
        let children = try await InstitutionModel.query(on: db).filter(\.$parentID == institution.id).sort(\.$name).all()
        let regions = try await RegionModel.query(on: db).sort(\.$name).all()
        let provinceOf = Dictionary(uniqueKeysWithValues: regions.map { ($0.id!, $0.parentID ?? $0.id!) })

        var result = Result(
            institutions: children.map { Row(id: $0.id!, name: $0.name) } + [Row(id: institution.id, name: institution.name)],
            regions: regions.filter { $0.parentID == nil }.map { Row(id: $0.id!, name: $0.name) })
        let institutionIndex = Dictionary(uniqueKeysWithValues: result.institutions.enumerated().map { ($0.element.id, $0.offset) })
        let regionIndex = Dictionary(uniqueKeysWithValues: result.regions.enumerated().map { ($0.element.id, $0.offset) })
        let depth = institution.path.depth

        var query = db.sql.select()
            .columns("holder_path", "region_id", "created_at", "first_answered_at", "first_answer_late", "state", "sla_stage",
                     "held_at", "stage_due_at", "rating")
            .from("reports")
            .where(Subtree.condition("holder_path", within: institution.path, on: db))
            .where(SQLGroupExpression(SQLQueryString("archive_reason IS NULL OR archive_reason <> 'spam'")))
        if let since { query = query.where("created_at", .greaterThanOrEqual, since) }
        for row in try await query.all(decoding: FactRow.self) {
            // Late now is the clock's red; a held report's light stays as it was when it stopped, so it is not counted.
            let status = SLAStatus(stage: row.sla_stage.flatMap(SLAStage.init(rawValue:)), stageDueAt: row.stage_due_at)
            let facts = ReportFacts(
                createdAt: row.created_at, firstAnsweredAt: row.first_answered_at, firstAnswerLate: row.first_answer_late,
                state: ReportState(rawValue: row.state) ?? .received, isLateNow: row.held_at == nil && SLAClock.light(of: status, at: now) == .red,
                rating: row.rating.flatMap(Rating.init(rawValue:)))
            result.overall.count(facts)
            // The child of the institution looked at that holds the report, or the institution itself.
            let ids = InstitutionPath(encoded: row.holder_path)?.ids ?? []
            let childID = ids.count > depth + 1 ? ids[depth + 1] : institution.id
            if let index = institutionIndex[childID] { result.institutions[index].figures.count(facts) }
            if let region = row.region_id, let province = provinceOf[region], let index = regionIndex[province] {
                result.regions[index].figures.count(facts)
            }
        }
        result.institutions.removeAll { $0.figures.received == 0 && $0.id == institution.id }
        return result
    }

    /// How many reports came in since `since`, spam aside.
    static func received(since: Date, on db: any Database) async throws -> Int {
        struct Count: Decodable { let n: Int }
        return try await db.sql.select().column(SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n")))
            .from("reports").where("created_at", .greaterThanOrEqual, since)
            .where(SQLGroupExpression(SQLQueryString("archive_reason IS NULL OR archive_reason <> 'spam'")))
            .first(decoding: Count.self)?.n ?? 0
    }
}
