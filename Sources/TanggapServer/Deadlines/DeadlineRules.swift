import Fluent
import Foundation
import SQLKit
import TanggapCore

/// Changing what the deadline clock runs by — an institution's working week, and the time limits set for the reports
/// it holds — together with the administrative record, in one transaction. The API and the administration page both
/// come here; each checks its own input shape first.
enum DeadlineRules {
    /// Sets (or, with nil, clears to inherit) an institution's time zone and working weekdays (ISO, 1 = Monday).
    static func setWeek(
        of institutionID: Int64, timeZone: String?, weekdays: [Int]?, by userID: Int64?, context: TanggapContext, on db: any Database
    ) async throws {
        var check = FieldChecker()
        if let zone = timeZone, TimeZone(identifier: zone) == nil { check.add("time_zone", .invalid) }
        if let days = weekdays, days.isEmpty || !Set(days).isSubset(of: 1...7) { check.add("working_weekdays", .invalid) }
        try check.finish()
        let now = context.clock.now()
        try await db.writeTransaction { db in
            guard let model = try await InstitutionModel.find(institutionID, on: db) else { throw APIError.notFound }
            model.timeZone = timeZone
            model.workingWeekdays = weekdays.map { Set($0).sorted().map(String.init).joined(separator: ",") }
            try await model.update(on: db)
            try await AdminAudit.record(
                "calendar_week_set", ["time_zone": timeZone ?? "", "working_weekdays": model.workingWeekdays ?? ""],
                by: userID, at: institutionID, now: now, on: db)
        }
        context.calendars.clear()
    }

    /// The override of one scope (deployment-wide when `institutionID` is nil; all classifications when nil).
    /// A limit left nil falls back to the level above.
    struct Override: Sendable {
        var triage: TimeLimit?
        var answer: TimeLimit?
        var reply: TimeLimit?
        var wholeCase: TimeLimit?
        var yellowShare: Double?
        var ladderStep: Int?
    }

    /// Replaces the override for one scope.
    static func setLimits(
        _ override: Override, institutionID: Int64?, classification: Classification?, by userID: Int64?, context: TanggapContext,
        on db: any Database
    ) async throws {
        let now = context.clock.now()
        let texts = ["triage": override.triage, "answer": override.answer, "reply": override.reply, "whole_case": override.wholeCase]
            .mapValues { $0.map(SLAOverrideRow.text) }
        try await db.writeTransaction { db in
            try await deleteRow(institutionID: institutionID, classification: classification, on: db)
            try await db.sql.insert(into: "sla_policies")
                .columns(
                    "institution_id", "classification", "triage", "answer", "reply", "whole_case", "yellow_share", "ladder_step",
                    "updated_at"
                )
                .values(
                    SQLBind(institutionID), SQLBind(classification?.rawValue), SQLBind(texts["triage"] ?? nil),
                    SQLBind(texts["answer"] ?? nil),
                    SQLBind(texts["reply"] ?? nil), SQLBind(texts["whole_case"] ?? nil), SQLBind(override.yellowShare),
                    SQLBind(override.ladderStep), SQLBind(now)
                )
                .run()
            try await AdminAudit.record(
                "sla_set", texts.compactMapValues { $0 }.merging(["classification": classification?.rawValue ?? "all"]) { $1 },
                by: userID, at: institutionID, now: now, on: db)
        }
        context.calendars.clear()
    }

    /// Removes the override for one scope: the level above applies again.
    static func removeLimits(
        institutionID: Int64?, classification: Classification?, by userID: Int64?, context: TanggapContext, on db: any Database
    ) async throws {
        let now = context.clock.now()
        try await db.writeTransaction { db in
            try await deleteRow(institutionID: institutionID, classification: classification, on: db)
            try await AdminAudit.record(
                "sla_removed", ["classification": classification?.rawValue ?? "all"], by: userID, at: institutionID, now: now, on: db)
        }
        context.calendars.clear()
    }

    private static func deleteRow(institutionID: Int64?, classification: Classification?, on db: any Database) async throws {
        var delete = db.sql.delete(from: "sla_policies")
        delete =
            institutionID.map { delete.where("institution_id", .equal, SQLBind($0)) }
            ?? delete.where("institution_id", .is, SQLLiteral.null)
        delete =
            classification.map { delete.where("classification", .equal, SQLBind($0.rawValue)) }
            ?? delete.where("classification", .is, SQLLiteral.null)
        try await delete.run()
    }
}
