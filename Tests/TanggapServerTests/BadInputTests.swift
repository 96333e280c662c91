import Foundation
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// Bad input gets the documented error, in the user's language, and changes nothing.
@Suite struct BadInputTests {
    /// Runs `request` and checks it was refused as expected without writing a row or a file.
    func refused(
        _ world: World, status: HTTPStatus, code: String, fields: Set<String>? = nil,
        sourceLocation: SourceLocation = #_sourceLocation, _ request: () async throws -> Reply
    ) async throws {
        let before = try await world.tableCounts()
        let files = world.storedFileCount()
        let reply = try await request()
        #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.errorCode == code, "\(reply.text)", sourceLocation: sourceLocation)
        if let fields { #expect(reply.fieldErrors == fields, "\(reply.text)", sourceLocation: sourceLocation) }
        #expect(reply.errorMessage?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(try await world.tableCounts() == before, "a refused request wrote something", sourceLocation: sourceLocation)
        #expect(world.storedFileCount() == files, "a refused request left a file", sourceLocation: sourceLocation)
    }

    @Test func missingAndEmptyFields() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            try await refused(world, status: .unprocessableEntity, code: "validation_failed", fields: ["title:required", "body:required"]) {
                try await app.request(.POST, "/api/v1/reports", json: [String: Any]())
            }
            try await refused(world, status: .unprocessableEntity, code: "validation_failed", fields: ["title:required", "body:required"]) {
                try await app.request(.POST, "/api/v1/reports", json: world.reportFields(["title": "   ", "body": "\u{200B}\u{200B}"]))
            }
        }
    }

    @Test func oversizedFieldsAndBodies() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            try await refused(world, status: .unprocessableEntity, code: "validation_failed", fields: ["title:too_long", "body:too_long"]) {
                try await app.request(
                    .POST, "/api/v1/reports",
                    json: world.reportFields([
                        "title": String(repeating: "judul ", count: 50), "body": String(repeating: "isi ", count: 3_000),
                    ]))
            }
            try await refused(world, status: .payloadTooLarge, code: "payload_too_large") {
                try await app.request(
                    .POST, "/api/v1/reports", json: world.reportFields(["body": String(repeating: "x", count: 3_000_000)]),
                    overTheNetwork: true)
            }
        }
    }

    @Test func wrongTypesAndMalformedBodies() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            try await refused(world, status: .unprocessableEntity, code: "validation_failed", fields: ["region_id:invalid"]) {
                try await app.request(.POST, "/api/v1/reports", json: world.reportFields(["region_id": "dua belas"]))
            }
            try await refused(world, status: .unprocessableEntity, code: "validation_failed", fields: ["is_anonymous:invalid"]) {
                try await app.request(.POST, "/api/v1/reports", json: world.reportFields(["is_anonymous": ["ya"]]))
            }
            try await refused(world, status: .badRequest, code: "malformed_request") {
                try await app.request(.POST, "/api/v1/reports", rawBody: "{\"title\": \"Jalan", contentType: "application/json")
            }
            try await refused(world, status: .unsupportedMediaType, code: "unsupported_media_type") {
                try await app.request(.POST, "/api/v1/reports", rawBody: "title=x", contentType: "text/plain")
            }
            try await refused(
                world, status: .unprocessableEntity, code: "validation_failed",
                fields: [
                    "classification:invalid", "event_date:invalid", "latitude:required", "reporter_email:invalid", "category_id:unknown",
                    "target_institution_id:unknown",
                ]
            ) {
                try await app.request(
                    .POST, "/api/v1/reports",
                    json: world.reportFields([
                        "classification": "keluhan", "event_date": "31/12/2025", "longitude": 107.5, "reporter_email": "bukan-email",
                        "category_id": 999_999, "target_institution_id": 999_999,
                    ]))
            }
            try await refused(world, status: .unprocessableEntity, code: "validation_failed", fields: ["subcategory_id:unknown"]) {
                // A sub-category of another category.
                try await app.request(.POST, "/api/v1/reports", json: world.reportFields(["category_id": world.otherCategoryID]))
            }
        }
    }

    @Test func hostileTextIsStoredAsTextAndShownAsText() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let script = "<script>alert('x')</script>"
            let injection = "'); DROP TABLE reports; --"
            let submitted = try await world.submit(["title": "\(script) \(injection)", "location_text": "../../etc/passwd"])
            let report = try await world.get("/api/v1/reports/\(submitted.trackingID)", secret: submitted.secret)
            #expect(try report.report.title == "\(script) \(injection)")
            #expect(report.headers.contentType == .json, "JSON, never HTML that a browser would run")
            #expect(try await world.tableCounts()["reports"] == 1)
        }
    }

    @Test func anAttachmentWhoseContentIsNotWhatItsNameSays() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            for (name, data, code) in [
                ("foto.jpg", SampleFiles.html, "unsupported_type"), ("foto.jpg", SampleFiles.pdf, "type_mismatch"),
                ("setup.png", SampleFiles.exe, "unsupported_type"), ("gambar.exe", SampleFiles.png, "type_mismatch"),
            ] {
                var form = Multipart()
                for (key, value) in world.reportFields() { form.field(key, "\(value)") }
                form.file("attachments[]", filename: "ok.png", contentType: "image/png", data: SampleFiles.png)
                form.file("attachments[]", filename: name, contentType: "image/jpeg", data: data)
                try await refused(world, status: .unprocessableEntity, code: "validation_failed", fields: ["attachments[1]:\(code)"]) {
                    try await app.request(.POST, "/api/v1/reports", multipart: form)
                }
            }
        }
    }

    @Test func bogusTrackingIDsAndWrongSecretsAllLookTheSame() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let submitted = try await world.submit()
            for path in [
                "AAAAA-AAAAA", "0O1IL-0O1IL", "%3Cscript%3E", "..%2F..%2Fetc%2Fpasswd", "' OR 1=1 --", String(repeating: "Z", count: 500),
            ] {
                let reply = try await world.get(
                    "/api/v1/reports/\(path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)")
                #expect(reply.status == .notFound && reply.errorCode == "report_not_found", "\(path)")
            }
            // A real ID with a wrong secret: the same answer as an unknown ID, so nothing leaks.
            let wrong = try await world.get("/api/v1/reports/\(submitted.trackingID)", secret: "AAAA-BBBB-CCCC-DDDD")
            #expect(wrong.status == .notFound && wrong.errorCode == "report_not_found")
            // An unverified report is not public: without the secret it does not exist.
            #expect(try await world.get("/api/v1/reports/\(submitted.trackingID)").errorCode == "report_not_found")
        }
    }

    @Test func expiredForgedAndRevokedTokens() async throws {
        let clock = TestClock()
        try await withTestApp(clock: clock) { app in
            let world = try await World.build(app)
            let forged = String(world.liaison.token.dropLast(4)) + "0000"
            for token in [forged, "tg_0000000000000000_" + String(repeating: "a", count: 64), "bukan-token", "tg_<script>"] {
                try await refused(world, status: .unauthorized, code: "invalid_token") {
                    try await app.request(.POST, "/api/v1/reports", token: token, json: world.reportFields())
                }
            }
            try await refused(world, status: .unauthorized, code: "invalid_token") {
                try await app.request(.GET, "/api/v1/me", headers: [("Authorization", "Basic YWRtaW46YWRtaW4=")])
            }
            clock.advance(by: 400 * 86_400 + 1)
            try await refused(world, status: .unauthorized, code: "token_expired") {
                try await app.request(.GET, "/api/v1/me", token: world.liaison.token)
            }
            #expect(
                try await app.request(.GET, "/api/v1/me", token: world.liaison.token).headers.first(name: .wwwAuthenticate)?.hasPrefix(
                    "Bearer") == true)
        }
    }

    @Test func anActionInTheWrongStateOrByTheWrongPerson() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let report = try await world.submit(["target_institution_id": world.pemkab.id])
            try await refused(world, status: .conflict, code: "wrong_state") {
                try await world.act(.answer, on: report.trackingID, by: world.pemkabAdmin, ["text": "Sudah diperbaiki"])
            }
            // Someone who may not even see an unverified report is told it does not exist.
            try await refused(world, status: .notFound, code: "report_not_found") {
                try await world.act(.verify, on: report.trackingID, by: world.kemenkesAdmin)
            }
            try await world.must(.verify, on: report.trackingID, by: world.pemkabAdmin)
            // Published now, so others see it, but may not act on it.
            try await refused(world, status: .forbidden, code: "out_of_scope") {
                try await world.act(.dispatch, on: report.trackingID, by: world.kemenkesAdmin, ["institution_id": world.direktorat.id])
            }
            try await refused(world, status: .forbidden, code: "no_capacity") {
                try await world.act(.dispatch, on: report.trackingID, by: world.citizen, ["institution_id": world.dinas.id])
            }
            try await refused(world, status: .unauthorized, code: "authentication_required") {
                try await world.act(.verify, on: report.trackingID)
            }
            try await refused(world, status: .unprocessableEntity, code: "validation_failed", fields: ["institution_id:required"]) {
                try await world.act(.dispatch, on: report.trackingID, by: world.pemkabAdmin)
            }
            try await refused(world, status: .unprocessableEntity, code: "target_not_below_holder") {
                try await world.act(.dispatch, on: report.trackingID, by: world.pemkabAdmin, ["institution_id": world.kemenkes.id])
            }
            try await refused(world, status: .notFound, code: "not_found") {
                try await world.act(path: "delete", on: report.trackingID, by: world.pemkabAdmin)
            }
            try await refused(world, status: .unprocessableEntity, code: "validation_failed", fields: ["archive_reason:invalid"]) {
                try await world.act(.archive, on: report.trackingID, by: world.pemkabAdmin, ["archive_reason": "bosan"])
            }
            // Replayed: the same verification twice is refused the second time.
            try await refused(world, status: .conflict, code: "wrong_state") {
                try await world.act(.verify, on: report.trackingID, by: world.pemkabAdmin)
            }
        }
    }

    @Test func errorsSpeakTheUsersLanguage() async throws {
        try await withTestApp { app in
            _ = try await World.build(app)
            let indonesian = try await app.request(.POST, "/api/v1/reports", json: ["title": ""])
            #expect(indonesian.errorMessage == "Ada isian yang perlu diperbaiki.")
            #expect(indonesian.headers.first(name: .contentLanguage) == "id")
            let english = try await app.request(
                .POST, "/api/v1/reports", json: ["title": ""], headers: [("Accept-Language", "en-GB,en;q=0.9,id;q=0.5")])
            #expect(english.errorMessage == "Some fields need to be corrected.")
            let fields = try english.decode(Reply.ErrorBody.self).error.fields ?? []
            #expect(fields.contains { $0.field == "title" && $0.message == "This field is required." })
            let preferIndonesian = try await app.request(
                .GET, "/api/v1/reports/XXXXX", headers: [("Accept-Language", "en;q=0.4, id;q=0.8")])
            #expect(preferIndonesian.errorMessage?.hasPrefix("Laporan tidak ditemukan") == true)
        }
    }

    @Test func unknownRoutesAndMethodsAnswerInTheSameShape() async throws {
        try await withTestApp { app in
            let reply = try await app.request(.GET, "/api/v1/tidak-ada")
            #expect(reply.status == .notFound && reply.errorCode == "not_found")
            let reports = try await app.request(.GET, "/api/v1/reports?state=melayang&limit=1000&cursor=%%%")
            #expect(reports.status == .unprocessableEntity && reports.fieldErrors == ["state:invalid", "limit:invalid", "cursor:invalid"])
        }
    }
}
