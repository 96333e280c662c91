import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import TanggapCore
@testable import TanggapServer

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Open311 GeoReport v2 as a server: keys, a report from an app taking the same way as any other, and XML that a
/// real parser reads back exactly. (The whole surface in both formats, with a client library and the spec's
/// schemas, is in the e2e tests.)
@Suite struct Open311Tests {
    func post(_ app: Application, _ fields: [String: String], format: String = "json") async throws -> Reply {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.sorted { $0.key < $1.key }.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
        return try await app.request(
            .POST, "/open311/v2/requests.\(format)", rawBody: body, contentType: "application/x-www-form-urlencoded")
    }

    func fields(_ world: World, key: String, _ changes: [String: String] = [:]) -> [String: String] {
        [
            "api_key": key, "service_code": String(world.subcategoryID), "lat": "-7.02", "long": "107.53",
            "description": "Jalan di depan SD Soreang berlubang besar, sudah dua motor jatuh minggu ini.",
            "email": "warga@kotakita.test", "first_name": "Siti", "attribute[region]": String(world.regionID),
        ].merging(changes) { $1 }
    }

    @Test func aKeyIsKeptOnlyAsItsDigestAndARevokedOneOpensNothing() async throws {
        try await withTestApp { app in
            _ = try await World.build(app)
            let now = app.tanggap.clock.now()
            let (client, key) = try await Open311Keys.issue(name: "KotaKita", by: nil, now: now, on: app.db)
            let stored = try await app.db.sql.raw("SELECT public_id, secret_digest FROM open311_clients").all()
            #expect(stored.count == 1)
            let secret = String(key.split(separator: ".")[1])
            #expect(try stored[0].decode(column: "secret_digest", as: String.self) != secret, "only the digest is kept")
            #expect(try await Open311Keys.resolve(key, now: now, on: app.db)?.id == client.id)
            // The secret with its last digit changed (to another digit, whatever it was).
            let tampered = key.dropLast() + (key.last == "0" ? "1" : "0")
            #expect(try await Open311Keys.resolve(String(tampered), now: now, on: app.db) == nil)
            await #expect(throws: APIError.self) { try await Open311Keys.issue(name: "KotaKita", by: nil, now: now, on: app.db) }
            await #expect(throws: APIError.self) { try await Open311Keys.issue(name: "<script>", by: nil, now: now, on: app.db) }
            _ = try await Open311Keys.revoke(name: "KotaKita", by: nil, now: now, on: app.db)
            #expect(try await Open311Keys.resolve(key, now: now, on: app.db) == nil)
            let audit = try await app.db.sql.raw("SELECT action FROM admin_audit ORDER BY id").all(
                decodingColumn: "action", as: String.self)
            #expect(audit.suffix(2) == ["open311_key_issued", "open311_key_revoked"])
        }
    }

    @Test func aRequestFromAnAppIsAReportOnTheOpen311ChannelAndItsReporterHearsByEmail() async throws {
        try await withTestApp { app in
            app.tanggap.mailer = RecordingMailer()
            let world = try await World.build(app)
            let (client, key) = try await Open311Keys.issue(name: "KotaKita", by: nil, now: app.tanggap.clock.now(), on: app.db)
            let reply = try await post(app, fields(world, key: key, ["attribute[title]": "Jalan berlubang di Soreang"]))
            #expect(reply.status == .ok, "\(reply.text)")
            let answer = try #require((try JSONSerialization.jsonObject(with: reply.body) as? [[String: Any]])?.first)
            let trackingID = try #require(answer["service_request_id"] as? String)
            let report = try #require(try await ReportModel.query(on: app.db).first())
            #expect(report.trackingID.display == trackingID && report.channel == .open311)
            #expect(report.title == "Jalan berlubang di Soreang" && report.subcategoryID == world.subcategoryID)
            #expect(report.categoryID == world.categoryID && report.regionID == world.regionID && report.latitude == -7.02)
            #expect(report.contacts.email == "warga@kotakita.test")
            let app311 = try await app.db.sql.raw("SELECT client_id FROM open311_requests WHERE report_id = \(bind: report.id!)")
                .first(decodingColumn: "client_id", as: Int64.self)
            #expect(app311 == client.id)

            // Verified, dispatched and answered like any report: the answer goes to the e-mail the app sent.
            try await world.must(.verify, on: trackingID, by: world.nationalAdmin)
            try await world.must(.dispatch, on: trackingID, by: world.nationalAdmin, ["institution_id": world.dinas.id])
            try await world.must(.answer, on: trackingID, by: world.liaison, ["text": "Lubang ditambal hari Senin."])
            struct Row: Decodable {
                let channel: String
                let address: String
                let body: String
            }
            let sent = try await app.db.sql.raw("SELECT channel, address, body FROM deliveries ORDER BY id").all(decoding: Row.self)
            #expect(sent.allSatisfy { $0.channel == "email" && $0.address == "warga@kotakita.test" }, "\(sent.map(\.address))")
            #expect(sent.contains { $0.body.contains("Lubang ditambal hari Senin.") })
        }
    }

    @Test func hostileTextComesBackAsWellFormedXMLThatSaysExactlyWhatWasSent() async throws {
        try await withTestApp { app in
            let world = try await World.build(app)
            let (_, key) = try await Open311Keys.issue(name: "KotaKita", by: nil, now: app.tanggap.clock.now(), on: app.db)
            let hostile = "Jalan rusak </description><x>1</x> & \"kutip\" 'satu' ]]> <!-- --> <?php ?> 💥 selesai"
            let reply = try await post(app, fields(world, key: key, ["description": hostile]), format: "xml")
            #expect(reply.status == .ok, "\(reply.text)")
            let trackingID = try #require(XMLText.values(of: "service_request_id", in: reply.body).first)
            try await world.must(.verify, on: trackingID, by: world.nationalAdmin)
            let request = try await app.request(.GET, "/open311/v2/requests/\(trackingID).xml")
            #expect(request.status == .ok && request.headers.first(name: .contentType) == "text/xml; charset=utf-8")
            #expect(try XMLText.values(of: "description", in: request.body) == [hostile])
            #expect(try XMLText.values(of: "x", in: request.body).isEmpty, "no element smuggled in")
            let errors = try await post(app, fields(world, key: key, ["service_code": "<b>&amp;</b>"]), format: "xml")
            #expect(errors.status == .badRequest)
            #expect(try XMLText.values(of: "code", in: errors.body) == ["400"])
        }
    }
}

/// Reads an XML document with Foundation's own parser (a real one, which refuses a document that is not
/// well-formed) and collects the text of every element with a given name.
final class XMLText: NSObject, XMLParserDelegate {
    private let name: String
    private var inside = false
    private var current = ""
    private(set) var found: [String] = []

    private init(_ name: String) { self.name = name }

    static func values(of name: String, in data: Data) throws -> [String] {
        let collector = XMLText(name)
        let parser = XMLParser(data: data)
        parser.delegate = collector
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
        return collector.found
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if elementName == name { (inside, current) = (true, "") }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inside { current += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == name {
            found.append(current)
            inside = false
        }
    }
}
