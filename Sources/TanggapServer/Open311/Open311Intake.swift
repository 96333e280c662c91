import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// `POST requests.{json,xml}`: a report from a civic-tech app, form-encoded as the spec says. The app is known by
/// its `api_key`; the report takes the same way in as any other (`ReportIntake`), with the app recorded beside it,
/// and the reporter hears of it at the e-mail address or phone number the app sent.
enum Open311Intake {
    /// The body a request may have: the longest description and every other field fit well inside it.
    static let bodyLimit: ByteCount = "64kb"

    static func submit(_ req: Request) async throws -> (Submitted, Open311Keys.Client) {
        let form = try Open311Form(req)
        guard let key = form["api_key"], !key.isEmpty else {
            throw APIError(status: .forbidden, code: "open311_api_key", fields: [FieldError("api_key", .required)])
        }
        guard let client = try await Open311Keys.resolve(key, now: req.now, on: req.db) else {
            throw APIError(status: .forbidden, code: "open311_api_key_invalid")
        }
        try await req.enforceRateLimit(.open311, key: "app:\(client.id)")
        try Open311Jurisdiction.check(form["jurisdiction_id"], on: req)

        var check = FieldChecker()
        var submission = ReportSubmission(channel: TanggapCore.Channel.open311.rawValue)
        var category: Open311Services.Category?
        if let code = form["service_code"], !code.isEmpty {
            category = try await Open311Services.find(code: code, on: req.db)
            if category == nil { check.add("service_code", .unknown) }
        } else {
            check.add("service_code", .required)
        }
        if let category {
            submission.categoryID = category.parent_id ?? category.id
            submission.subcategoryID = category.parent_id == nil ? nil : category.id
        }
        submission.latitude = number(form["lat"], field: "lat", into: &check)
        submission.longitude = number(form["long"], field: "long", into: &check)
        let address = form["address_string"].flatMap { TextNormalizer.isBlank($0) ? nil : $0 }
        let addressID = form["address_id"].flatMap { TextNormalizer.isBlank($0) ? nil : $0 }
        submission.locationText = address ?? addressID.map { "address_id \($0)" }
        if submission.latitude == nil && submission.longitude == nil && address == nil && addressID == nil && check.errors.isEmpty {
            check.add("lat", .required)
        }
        submission.body = form["description"]
        submission.title = form.attribute("title") ?? form["description"].map(title(from:))
        submission.classification = form.attribute("classification")
        submission.isAnonymous = flag(form.attribute("anonim"), field: "attribute[anonim]", into: &check)
        submission.isConfidential = flag(form.attribute("rahasia"), field: "attribute[rahasia]", into: &check)
        if let raw = form.attribute("event_date"), !raw.isEmpty {
            let dates = Open311Dates(zone: req.tanggap.settings.timeZone)
            if let date = dates.date(raw) {
                submission.eventDate = LocalDate(date, in: req.tanggap.settings.timeZone).iso
            } else {
                check.add("attribute[event_date]", .invalid)
            }
        }
        if let code = form.attribute("region"), !code.isEmpty {
            // A region's id, or a province's ISO code (the only regions the reference list gives a code).
            let byID = Int64(code).map { "id = \(bind: $0)" as SQLQueryString } ?? "code = \(bind: code)"
            submission.regionID = try await req.db.sql.raw("SELECT id FROM regions WHERE \(byID)").first(
                decodingColumn: "id", as: Int64.self)
            if submission.regionID == nil { check.add("attribute[region]", .unknown) }
        }
        for code in form.attributeCodes where !Open311Services.attributeCodes.contains(code) { check.add("attribute[\(code)]", .unknown) }
        var mediaURL: String?
        if let raw = form["media_url"], !raw.isEmpty {
            mediaURL = MediaLink.checked(raw)
            if mediaURL == nil { check.add("media_url", .invalid) }
        }
        let name = [form["first_name"], form["last_name"]].compactMap { $0?.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        submission.reporterName = name.isEmpty ? nil : name
        submission.reporterEmail = form["email"]
        submission.reporterPhone = form["phone"]
        try check.finish()

        let link = mediaURL
        let submitted = try await ReportIntake.submit(
            submission, uploads: [], from: .channelGateway, defaultChannel: .open311,
            also: { db, receipt in
                try await db.sql.raw(
                    """
                    INSERT INTO open311_requests (report_id, client_id, media_url)
                    VALUES (\(bind: receipt.reportID), \(bind: client.id), \(bind: link))
                    """
                ).run()
                try await db.sql.raw("UPDATE open311_clients SET reports_filed = reports_filed + 1 WHERE id = \(bind: client.id)").run()
            }, context: req.tanggap, on: req.db)
        return (submitted, client)
    }

    /// A title from the description when the app sends none (the spec has no title): its first line, cut at a word.
    static func title(from description: String) -> String {
        let line = description.split(whereSeparator: \.isNewline).first.map(String.init) ?? description
        let words = line.split(whereSeparator: \.isWhitespace)
        var title = ""
        for word in words {
            let next = title.isEmpty ? String(word) : "\(title) \(word)"
            if next.count > TextLimits.title.upperBound - 1 {
                return title.isEmpty ? String(next.prefix(TextLimits.title.upperBound - 1)) + "…" : title + "…"
            }
            title = next
        }
        return title
    }

    private static func number(_ raw: String?, field: String, into check: inout FieldChecker) -> Double? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            check.add(field, .invalid)
            return nil
        }
        return value
    }

    private static func flag(_ raw: String?, field: String, into check: inout FieldChecker) -> Bool {
        switch raw?.lowercased() {
        case nil, "", "false", "0": return false
        case "true", "1": return true
        default:
            check.add(field, .invalid)
            return false
        }
    }
}

/// A form-encoded body read as the spec's clients write it: `attribute[CODE]=…` is a field named so, not a nested
/// structure, and a field sent twice is refused rather than one of the two picked silently.
struct Open311Form {
    private var fields: [String: String] = [:]

    init(_ req: Request) throws {
        guard req.headers.contentType == .urlEncodedForm else { throw APIError(status: .badRequest, code: "open311_form_required") }
        let body = req.body.data.map { String(buffer: $0) } ?? ""
        for pair in body.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw APIError(status: .badRequest, code: "malformed_request")
            }
            guard fields[name] == nil else { throw APIError.field(name, .tooMany) }
            fields[name] = value
        }
        // Some apps send the key in the query, as for the reads.
        if fields["api_key"] == nil, let key = try? req.query.get(String.self, at: "api_key") { fields["api_key"] = key }
    }

    subscript(name: String) -> String? { fields[name] }

    /// The public part of the `api_key` a request to `/open311/` carries, unchecked: what names the app to the
    /// idempotency keys (a forged one is refused before anything is kept).
    static func keyHolder(of req: Request) -> String? {
        guard req.url.path.hasPrefix("/open311/"), let form = try? Open311Form(req), let key = form["api_key"] else { return nil }
        let publicPart = key.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
        return publicPart.count == 16 && publicPart.allSatisfy(\.isHexDigit) ? publicPart : nil
    }

    func attribute(_ code: String) -> String? { fields["attribute[\(code)]"] }

    /// The codes of every `attribute[…]` field sent.
    var attributeCodes: [String] {
        fields.keys.compactMap { name in
            guard name.hasPrefix("attribute["), name.hasSuffix("]") else { return nil }
            return String(name.dropFirst("attribute[".count).dropLast())
        }.sorted()
    }

    private static func decode(_ raw: Substring) -> String? {
        raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// The jurisdiction this endpoint serves: the public address's host (`lapor.example.go.id`). A request naming
/// another is refused, as the spec asks, so an app configured for the wrong city finds out at once.
enum Open311Jurisdiction {
    static func id(on req: Request) -> String {
        URLComponents(string: req.tanggap.settings.publicURL)?.host ?? "tanggap"
    }

    static func check(_ raw: String?, on req: Request) throws {
        guard let raw, !raw.isEmpty else { return }
        guard raw == id(on: req) else { throw APIError(status: .notFound, code: "open311_jurisdiction_unknown") }
    }
}
