import Foundation
import MessageSignatures
import TanggapCore
import Vapor

/// The query string of `GET /api/v1/reports`, read strictly: a parameter that cannot be understood is a
/// field error, not silently ignored.
struct ReportListQuery {
    var filter = ReportFilter()
    var page = PageRequest()
    var mine = false
    /// The institution the list is narrowed to, looked up after parsing.
    var institutionID: Int64?

    static func parse(_ req: Request) throws -> ReportListQuery {
        var result = ReportListQuery()
        var check = FieldChecker()
        let url = req.url
        let items = URLComponents(string: url.string)?.queryItems ?? []
        var values: [String: String] = [:]
        for item in items { values[item.name] = item.value ?? "" }

        if let raw = values["state"], !raw.isEmpty {
            let states = raw.split(separator: ",").map { ReportState(rawValue: String($0)) }
            if states.contains(where: { $0 == nil }) {
                check.add("state", .invalid)
            } else {
                result.filter.states = states.compactMap { $0 }
            }
        }
        result.institutionID = integer(values["institution_id"], field: "institution_id", into: &check)
        result.filter.categoryID = integer(values["category_id"], field: "category_id", into: &check)
        result.filter.regionID = integer(values["region_id"], field: "region_id", into: &check)
        if let raw = values["classification"], !raw.isEmpty {
            result.filter.classification = Classification(rawValue: raw)
            if result.filter.classification == nil { check.add("classification", .invalid) }
        }
        if let raw = values["channel"], !raw.isEmpty {
            result.filter.channel = TanggapCore.Channel(rawValue: raw)
            if result.filter.channel == nil { check.add("channel", .invalid) }
        }
        let zone = req.tanggap.settings.timeZone
        if let raw = values["created_from"], !raw.isEmpty {
            if let date = LocalDate(iso: raw) {
                result.filter.createdFrom = date.start(in: zone)
            } else {
                check.add("created_from", .invalid)
            }
        }
        if let raw = values["created_to"], !raw.isEmpty {
            if let date = LocalDate(iso: raw) {
                result.filter.createdBefore = date.start(in: zone).addingTimeInterval(86_400)
            } else {
                check.add("created_to", .invalid)
            }
        }
        if let raw = values["q"], !raw.isEmpty {
            let text = TextNormalizer.singleLine(raw)
            if text.count > 200 { check.add("q", .tooLong, limit: 200) } else { result.filter.text = text }
        }
        result.mine = boolean(values["mine"], field: "mine", into: &check) ?? false
        result.filter.escalated = boolean(values["escalated"], field: "escalated", into: &check)
        result.filter.late = boolean(values["late"], field: "late", into: &check)
        if let days = integer(values["due_within_days"], field: "due_within_days", into: &check) {
            if days <= 366 { result.filter.dueWithinDays = Int(days) } else { check.add("due_within_days", .invalid) }
        }
        switch values["sort"] ?? "newest" {
        case "newest", "": break
        case "oldest": result.page.oldestFirst = true
        default: check.add("sort", .invalid)
        }
        if let limit = integer(values["limit"], field: "limit", into: &check) {
            if (1...100).contains(limit) { result.page.limit = Int(limit) } else { check.add("limit", .invalid) }
        }
        if let raw = values["cursor"], !raw.isEmpty {
            if let after = cursorValue(raw, oldestFirst: result.page.oldestFirst) {
                result.page.after = after
            } else {
                check.add("cursor", .invalid)
            }
        }
        try check.finish()
        return result
    }

    /// Resolves `institution_id` into the subtree filter.
    mutating func resolveInstitution(on req: Request) async throws {
        guard let id = institutionID else { return }
        guard let institution = try await InstitutionDirectory.find(id, on: req.db) else {
            throw APIError.field("institution_id", .unknown)
        }
        filter.institution = institution.path
    }

    static func cursor(after id: Int64, oldestFirst: Bool) -> String {
        Data("v1:\(oldestFirst ? "asc" : "desc"):\(id)".utf8).base64URL
    }

    private static func cursorValue(_ raw: String, oldestFirst: Bool) -> Int64? {
        guard raw.count <= 64, let data = Data(base64URL: raw), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 3, parts[0] == "v1", parts[1] == (oldestFirst ? "asc" : "desc"), let id = Int64(parts[2]), id > 0
        else { return nil }
        return id
    }

    private static func integer(_ raw: String?, field: String, into check: inout FieldChecker) -> Int64? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let value = Int64(raw), value > 0 else {
            check.add(field, .invalid)
            return nil
        }
        return value
    }

    private static func boolean(_ raw: String?, field: String, into check: inout FieldChecker) -> Bool? {
        guard let raw, !raw.isEmpty else { return nil }
        switch raw {
        case "true", "1": return true
        case "false", "0": return false
        default:
            check.add(field, .invalid)
            return nil
        }
    }
}

extension LocalDate {
    /// Midnight at the start of this day in `timeZone`.
    func start(in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }
}
