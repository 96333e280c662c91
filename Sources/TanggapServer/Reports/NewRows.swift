import Fluent
import Foundation
import SQLKit

/// A new report and a new event, inserted with one plain statement each. Fluent's `create` reflects over the model
/// (Mirror, demangling every field's type) several times per call; for the sixty fields of a report that was most
/// of the CPU intake spent. These write the columns Fluent would write, from the same models, and set the new id.
/// A column added to the model must be added here too: `newRowsStoreWhatTheModelHolds` compares the two.
extension ReportModel {
    func insertRow(on db: any Database) async throws {
        id = try await NewRow.insert(into: "reports", columns: Self.rowColumns, rowValues, on: db)
    }

    /// The values of `rowColumns`, in their order.
    var rowValues: [any Encodable & Sendable] {
        let before: [any Encodable & Sendable] = [
            trackingID, secretDigest, originalTitle, originalClassification, originalCategoryID, originalSubcategoryID,
            body, title, classification, categoryID, subcategoryID, tags, eventDate, locationText, regionID, latitude,
            longitude, targetInstitutionID, holderID, holderPath, assigneeID, state, stateBeforeHold, isVerified,
            isEscalated, archiveReason, duplicateOfID, rating, isAnonymous, isConfidential, isPublic, channel,
        ]
        let after: [any Encodable & Sendable] = [
            createdAt, updatedAt, verifiedAt, dispatchedAt,
            firstAnsweredAt, completedAt, archivedAt, escalatedAt, ratedAt, slaStage, stageStartedAt, stageDueAt, yellowAt,
            slaLight, caseDueAt, heldAt, ladderRung, slaNextCheckAt, eventCount, version, supportCount, commentCount,
            firstAnswerLate, replyAddress, wasBounced, firstAnswerWorkingDays, reporterErasedAt,
        ]
        return before + reporterColumnValues + after
    }

    static let rowColumns = """
        tracking_id, secret_digest, original_title, original_classification, original_category_id, original_subcategory_id, \
        body, title, classification, category_id, subcategory_id, tags, event_date, location_text, region_id, latitude, \
        longitude, target_institution_id, holder_id, holder_path, assignee_id, state, state_before_hold, is_verified, \
        is_escalated, archive_reason, duplicate_of_id, rating, is_anonymous, is_confidential, is_public, channel, \
        reporter_user_id, reporter_name, reporter_email, reporter_phone, created_at, updated_at, verified_at, dispatched_at, \
        first_answered_at, completed_at, archived_at, escalated_at, rated_at, sla_stage, stage_started_at, stage_due_at, yellow_at, \
        sla_light, case_due_at, held_at, ladder_rung, sla_next_check_at, event_count, version, support_count, comment_count, \
        first_answer_late, reply_address, was_bounced, first_answer_working_days, reporter_erased_at
        """
}

extension ReportEventModel {
    func insertRow(on db: any Database) async throws {
        id = try await NewRow.insert(into: "report_events", columns: Self.rowColumns, rowValues, on: db)
    }

    /// The values of `rowColumns`, in their order.
    var rowValues: [any Encodable & Sendable] {
        [
            reportID, seq, kind, at, actorKind, actorUserID, actorInstitutionID, fromState, toState, fromInstitutionID,
            toInstitutionID, note, channel, audience, details,
        ]
    }

    static let rowColumns = """
        report_id, seq, kind, at, actor_kind, actor_user_id, actor_institution_id, from_state, to_state, \
        from_institution_id, to_institution_id, note, channel, audience, details
        """
}

enum NewRow {
    /// One row in; its database-made id back. Both engines answer `RETURNING`.
    static func insert(into table: String, columns: String, _ values: [any Encodable & Sendable], on db: any Database) async throws -> Int64
    {
        struct Inserted: Decodable { let id: Int64 }
        let row = try await db.sql.raw("INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns)) VALUES (\(binds: values)) RETURNING id")
            .first(decoding: Inserted.self)
        guard let row else { throw APIError(status: .internalServerError, code: "internal_error") }
        return row.id
    }

    /// Many rows in with as few statements as the engines' limit on bound values allows (SQLite's is 32,766).
    /// `suffix` follows the list of values: `ON CONFLICT …`, `RETURNING …`; the rows it returns are handed back.
    static func insert(
        into table: String, columns: String, rows: [[any Encodable & Sendable]], suffix: String = "", on db: any Database
    ) async throws -> [any SQLRow] {
        guard let width = rows.first?.count, width > 0 else { return [] }
        let perStatement = max(1, 30_000 / width)
        var returned: [any SQLRow] = []
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let values = SQLList(
                rows[start..<min(start + perStatement, rows.count)].map { SQLGroupExpression(SQLList($0.map(SQLBind.init))) })
            returned += try await db.sql.raw(
                "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns)) VALUES \(values) \(unsafeRaw: suffix)"
            ).all()
        }
        return returned
    }
}
