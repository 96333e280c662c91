import Fluent
import Foundation
import TanggapCore
import Vapor

/// `/kelola/admin/tenggat`: the working week and the time limits of an institution (at the national level, the
/// deployment's defaults — the national settings). What is left empty is inherited from the level above.
enum DeadlineSettingsController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("kelola", "admin", "tenggat", use: page)
        pages.post("kelola", "admin", "tenggat", "pekan", use: setWeek)
        pages.post("kelola", "admin", "tenggat", "batas", use: setLimits)
        pages.post("kelola", "admin", "tenggat", "hapus", use: removeLimits)
    }

    struct Limit: Encodable {
        let label: String
        let inForce: String
        let field: String
        let own: String?
        let error: String?
    }

    struct Page: Encodable {
        let institutionID: Int64
        let institution: String
        let isNational: Bool
        let weekdays: [Choice]
        let ownWeek: Bool
        let classifications: [Choice]
        let classification: String
        let limits: [Limit]
        let ownLimits: Bool
        let feedback: FormFeedback
        let notice: String?
    }

    /// The scope of an override made here: the deployment for the national level, the institution otherwise.
    static func scope(_ institution: Institution) -> Int64? { institution.parentID == nil ? nil : institution.id }

    @Sendable static func page(_ req: Request) async throws -> Response {
        guard let (_, institution) = try await req.managedInstitution() else { return req.seeOther("/masuk?next=/kelola/admin/tenggat") }
        let notice = (try? req.query.get(String.self, at: "selesai")).map { req.text("admin.done.\($0)") }
        return try await req.renderPage("kelola/tenggat", try await build(institution, notice: notice, on: req))
    }

    static func build(
        _ institution: Institution, feedback: FormFeedback = .none, notice: String? = nil, on req: Request
    ) async throws -> Page {
        let chosen = (try? req.query.get(String.self, at: "jenis")).flatMap(Classification.init(rawValue:))
        let calendar = try await req.tanggap.calendars.calendar(for: institution.path, now: req.now, on: req.db)
        let model = try await InstitutionModel.find(institution.id, on: req.db)
        let policy = try await req.tanggap.calendars.context(
            for: institution.path, classification: chosen ?? .pengaduan, isEscalated: false, now: req.now, on: req.db
        ).policy
        let own = try await SLAOverrideRow.onPath(institution.path, on: req.db)
            .first { $0.institutionID == scope(institution) && $0.classification == chosen }?.override
        func text(_ limit: TimeLimit) -> String { req.text("admin.limit_\(limit.unit.rawValue)", ["n": String(limit.amount)]) }
        func limit(_ key: String, _ inForce: TimeLimit, _ mine: TimeLimit?) -> Limit {
            Limit(
                label: req.text("admin.limit.\(key)"), inForce: text(inForce), field: key, own: mine.map { String($0.amount) },
                error: feedback.fields[key])
        }
        return Page(
            institutionID: institution.id, institution: institution.name, isNational: institution.parentID == nil,
            weekdays: (1...7).map { Choice(String($0), req.text("weekday.\($0)"), selected: calendar.workingWeekdays.contains($0)) },
            ownWeek: model?.workingWeekdays != nil,
            classifications: [Choice("", req.text("admin.all_classifications"), selected: chosen == nil)]
                + Classification.allCases.map { Choice($0.rawValue, req.text("classification.\($0.rawValue)"), selected: $0 == chosen) },
            classification: chosen?.rawValue ?? "",
            limits: [
                limit("triage", policy.triage, own?.triage), limit("answer", policy.answer, own?.answer),
                limit("reply", policy.reply, own?.reply), limit("whole_case", policy.wholeCase, own?.wholeCase),
            ],
            ownLimits: own != nil, feedback: feedback, notice: notice)
    }

    /// Runs a change, then back to the page; a refused one shows the page again with what to fix.
    private static func change(
        _ req: Request, _ done: String, _ work: @escaping @Sendable (SignedInUser, Institution) async throws -> Void
    ) async throws -> Response {
        try CSRF.verify(req)
        guard let (user, institution) = try await req.managedInstitution() else { return req.seeOther("/masuk?next=/kelola/admin/tenggat") }
        return try await req.handlingForm {
            try await work(user, institution)
            let jenis =
                (try? req.query.get(String.self, at: "jenis")).flatMap(Classification.init(rawValue:)).map { "&jenis=\($0.rawValue)" } ?? ""
            return req.seeOther("/kelola/admin/tenggat?instansi=\(institution.id)\(jenis)&selesai=\(done)")
        } refused: { feedback, status in
            try await req.renderPage("kelola/tenggat", try await build(institution, feedback: feedback, on: req), status: status)
        }
    }

    struct Week: Content {
        var hari: [String]?
        var inherit: String?
    }

    @Sendable static func setWeek(_ req: Request) async throws -> Response {
        let input = try req.content.decode(Week.self)
        return try await change(req, "week") { user, institution in
            let days = input.hari?.map { Int($0) ?? 0 }
            if input.inherit == nil && (days ?? []).isEmpty { throw APIError.field("working_weekdays", .required) }
            try await DeadlineRules.setWeek(
                of: institution.id, timeZone: nil, weekdays: input.inherit == nil ? days : nil,
                by: user.id, context: req.tanggap, on: req.db)
        }
    }

    struct Limits: Content {
        var triage: String?
        var answer: String?
        var reply: String?
        var whole_case: String?
    }

    /// Each limit is a number of working days (the whole case: calendar days, as the law counts it); empty inherits.
    @Sendable static func setLimits(_ req: Request) async throws -> Response {
        let input = try req.content.decode(Limits.self)
        let classification = (try? req.query.get(String.self, at: "jenis")).flatMap(Classification.init(rawValue:))
        return try await change(req, "limits") { user, institution in
            var check = FieldChecker()
            func days(_ text: String?, _ field: String, _ unit: TimeUnit) -> TimeLimit? {
                guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                guard let amount = Int(text), (1...3650).contains(amount) else {
                    check.add(field, .invalid)
                    return nil
                }
                return TimeLimit(amount, unit)
            }
            let override = DeadlineRules.Override(
                triage: days(input.triage, "triage", .workingDays), answer: days(input.answer, "answer", .workingDays),
                reply: days(input.reply, "reply", .workingDays), wholeCase: days(input.whole_case, "whole_case", .calendarDays))
            try check.finish()
            try await DeadlineRules.setLimits(
                override, institutionID: scope(institution), classification: classification,
                by: user.id, context: req.tanggap, on: req.db)
        }
    }

    @Sendable static func removeLimits(_ req: Request) async throws -> Response {
        let classification = (try? req.query.get(String.self, at: "jenis")).flatMap(Classification.init(rawValue:))
        return try await change(req, "limits_removed") { user, institution in
            try await DeadlineRules.removeLimits(
                institutionID: scope(institution), classification: classification,
                by: user.id, context: req.tanggap, on: req.db)
        }
    }
}
