import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// `/api/v1/institutions/{id}/calendar` and `/api/v1/holidays`: working days for everyone to read, for admins
/// to change. National holidays belong to no institution; an institution's own days add to those above it.
enum CalendarController {
    static func register(_ api: any RoutesBuilder) {
        api.get("institutions", ":id", "calendar", use: effective)
        api.put("institutions", ":id", "calendar", use: setWeek)
        api.get("holidays", use: list)
        api.post("holidays", use: add)
        api.patch("holidays", ":id", use: change)
        api.delete("holidays", ":id", use: remove)
    }

    struct HolidayItem: Content {
        let id: Int64
        let institutionID: Int64?
        let date: String
        let name: String
        let kind: String
    }

    struct Calendar: Content {
        let institutionID: Int64
        let timeZone: String
        let workingWeekdays: [Int]
        let year: Int
        let holidays: [HolidayItem]
    }

    @Sendable static func effective(_ req: Request) async throws -> Calendar {
        let institution = try await institution(req)
        let calendar = try await req.tanggap.calendars.calendar(for: institution.path, now: req.now, on: req.db)
        let year = try yearParameter(req) ?? calendar.localDate(of: req.now).year
        let rows = try await req.db.sql.select().columns("id", "institution_id", "date", "name", "kind").from("holidays")
            .where { $0.where("institution_id", .is, SQLLiteral.null).orWhere("institution_id", .in, institution.path.ids) }
            .where("date", .greaterThanOrEqual, SQLBind("\(year)-01-01")).where("date", .lessThanOrEqual, SQLBind("\(year)-12-31"))
            .orderBy("date").all(decoding: HolidayStore.StoredHoliday.self)
        return Calendar(
            institutionID: institution.id, timeZone: calendar.timeZone.identifier,
            workingWeekdays: calendar.workingWeekdays.sorted(), year: year, holidays: rows.map(item))
    }

    struct WeekBody: Content {
        var timeZone: String?
        var workingWeekdays: [Int]?
        enum CodingKeys: String, CodingKey { case timeZone = "time_zone", workingWeekdays = "working_weekdays" }
    }

    /// Sets (or, with null, clears to inherit) an institution's time zone and working weekdays.
    @Sendable static func setWeek(_ req: Request) async throws -> Calendar {
        let institution = try await institution(req)
        try req.requireMayConfigure(institution.path)
        let body = try req.decodeBody(WeekBody.self)
        try await DeadlineRules.setWeek(
            of: institution.id, timeZone: body.timeZone, weekdays: body.workingWeekdays,
            by: req.signedInUser?.id, context: req.tanggap, on: req.db)
        return try await effective(req)
    }

    @Sendable static func list(_ req: Request) async throws -> Items<HolidayItem> {
        let institutionID = try req.institutionQueryParameter()
        let year = try yearParameter(req) ?? LocalDate(req.now, in: req.tanggap.settings.timeZone).year
        let rows = try await HolidayStore.list(
            institutionID: institutionID, from: LocalDate(year: year, month: 1, day: 1)!,
            to: LocalDate(year: year, month: 12, day: 31)!, on: req.db)
        return Items(items: rows.map(item))
    }

    struct HolidayBody: Content {
        var institutionID: Int64?
        var date: String?
        var name: String?
        var kind: String?
        enum CodingKeys: String, CodingKey { case institutionID = "institution_id", date, name, kind }
    }

    @Sendable static func add(_ req: Request) async throws -> Response {
        let body = try req.decodeBody(HolidayBody.self)
        let path = try await InstitutionDirectory.path(of: body.institutionID, on: req.db)
        try req.requireMayConfigure(path)
        var check = FieldChecker()
        let date = body.date.flatMap(LocalDate.init(iso:))
        if date == nil { check.add("date", body.date == nil ? .required : .invalid) }
        let name = check.requiredText(body.name, field: "name", limits: TextLimits.name)
        let kind = body.kind.map { HolidayKind(rawValue: $0) } ?? (path == nil ? .national : .local)
        if kind == nil { check.add("kind", .invalid) }
        try check.finish()
        let id = try await HolidayStore.upsert(
            Holiday(date: date!, name: name!, kind: kind!), institutionID: body.institutionID, now: req.now, on: req.db)
        try await req.audit("holiday_added", ["date": date!.iso, "name": name!], institutionID: body.institutionID)
        req.tanggap.calendars.clear()
        let row = HolidayItem(id: id, institutionID: body.institutionID, date: date!.iso, name: name!, kind: kind!.rawValue)
        return try await row.encodeResponse(status: .created, for: req)
    }

    @Sendable static func change(_ req: Request) async throws -> HolidayItem {
        let existing = try await holiday(req)
        try req.requireMayConfigure(try await InstitutionDirectory.path(of: existing.institution_id, on: req.db))
        let body = try req.decodeBody(HolidayBody.self)
        var check = FieldChecker()
        let name = body.name.map { _ in check.requiredText(body.name, field: "name", limits: TextLimits.name) } ?? existing.name
        let kind = body.kind.map(HolidayKind.init(rawValue:)) ?? HolidayKind(rawValue: existing.kind)
        if kind == nil { check.add("kind", .invalid) }
        try check.finish()
        try await req.db.sql.update("holidays").set("name", to: SQLBind(name!)).set("kind", to: SQLBind(kind!.rawValue))
            .where("id", .equal, SQLBind(existing.id)).run()
        try await req.audit("holiday_changed", ["date": existing.date, "name": name!], institutionID: existing.institution_id)
        req.tanggap.calendars.clear()
        return HolidayItem(id: existing.id, institutionID: existing.institution_id, date: existing.date, name: name!, kind: kind!.rawValue)
    }

    @Sendable static func remove(_ req: Request) async throws -> HTTPStatus {
        let existing = try await holiday(req)
        try req.requireMayConfigure(try await InstitutionDirectory.path(of: existing.institution_id, on: req.db))
        _ = try await HolidayStore.delete(id: existing.id, institutionID: existing.institution_id, on: req.db)
        try await req.audit("holiday_removed", ["date": existing.date, "name": existing.name], institutionID: existing.institution_id)
        req.tanggap.calendars.clear()
        return .noContent
    }

    private static func item(_ row: HolidayStore.StoredHoliday) -> HolidayItem {
        HolidayItem(id: row.id, institutionID: row.institution_id, date: row.date, name: row.name, kind: row.kind)
    }

    private static func holiday(_ req: Request) async throws -> HolidayStore.StoredHoliday {
        guard let id = req.parameters.get("id", as: Int64.self),
            let row = try await req.db.sql.select().columns("id", "institution_id", "date", "name", "kind").from("holidays")
                .where("id", .equal, SQLBind(id)).first(decoding: HolidayStore.StoredHoliday.self)
        else { throw APIError.notFound }
        return row
    }

    static func institution(_ req: Request) async throws -> Institution {
        guard let id = req.parameters.get("id", as: Int64.self), let institution = try await InstitutionDirectory.find(id, on: req.db)
        else { throw APIError.notFound }
        return institution
    }

    static func yearParameter(_ req: Request) throws -> Int? {
        guard let raw = try? req.query.get(String.self, at: "year"), !raw.isEmpty else { return nil }
        guard let year = Int(raw), (1945...2200).contains(year) else { throw APIError.field("year", .invalid) }
        return year
    }
}
