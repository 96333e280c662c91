import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Vapor

// What Vapor itself costs for the two answers bench/intake compares: `GET /healthz`, and a JSON `POST` of a new
// report answered `201 Created` with a receipt shaped like Tanggap's — decoded, built and encoded the same way
// (snake-case keys, ISO 8601 dates), on NIO's event loops as Tanggap runs — with nothing stored and nothing checked.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

struct Status: Content { var status: String }

struct NewReport: Content {
    var title: String
    var body: String
    var targetInstitutionID: Int64?
    var reporterName: String?
    var reporterPhone: String?

    enum CodingKeys: String, CodingKey {
        case title, body, targetInstitutionID = "target_institution_id", reporterName = "reporter_name"
        case reporterPhone = "reporter_phone"
    }
}

struct Named: Content { var id: Int64; var name: String }
struct Reporter: Content { var phone: String?; var name: String? }
struct Original: Content { var title: String; var classification: String }
struct Deadlines: Content { var stage: String; var dueAt: Date; var isLate: Bool; var light: String; var caseDueAt: Date }
struct Location: Content { var text: String? }

struct Report: Content {
    var actions: [String]; var channel: String; var reporter: Reporter; var trackingID: String; var isConfidential: Bool
    var updatedAt: Date; var attachments: [String]; var access: String; var location: Location; var original: Original
    var classification: String; var body: String; var createdAt: Date; var targetInstitution: Named?
    var isAnonymous: Bool; var isEscalated: Bool; var deadlines: Deadlines; var tags: [String]; var holder: Named
    var title: String; var state: String
}

struct Receipt: Content { var secret: String; var trackingID: String; var report: Report }

// Tanggap's JSON settings (App/configure.swift), so that the receipt costs here what it costs there.
let encoder = JSONEncoder()
(encoder.keyEncodingStrategy, encoder.dateEncodingStrategy) = (.convertToSnakeCase, .iso8601)
encoder.outputFormatting = [.withoutEscapingSlashes]
let decoder = JSONDecoder()
decoder.dateDecodingStrategy = .iso8601
ContentConfiguration.global.use(encoder: encoder, for: .json)
ContentConfiguration.global.use(decoder: decoder, for: .json)

let app = try await Application.make(.production)
app.logger.logLevel = .warning
let issued = Atomic<Int>(0)

app.get("healthz") { _ async throws -> Status in Status(status: "ok") }
app.on(.POST, "api", "v1", "reports", body: .collect(maxSize: "1mb")) { req async throws -> Response in
    let new = try req.content.decode(NewReport.self)
    let number = issued.add(1, ordering: .relaxed).newValue
    let trackingID = String(format: "F%09d", number)
    let now = Date()
    let holder = Named(id: new.targetInstitutionID ?? 1, name: "Pemerintah Kota Bandung")
    let report = Report(
        actions: ["reply"], channel: "api", reporter: Reporter(phone: new.reporterPhone, name: new.reporterName),
        trackingID: trackingID, isConfidential: false, updatedAt: now, attachments: [], access: "reporter",
        location: Location(text: nil), original: Original(title: new.title, classification: "pengaduan"),
        classification: "pengaduan", body: new.body, createdAt: now, targetInstitution: holder, isAnonymous: false,
        isEscalated: false,
        deadlines: Deadlines(stage: "triage", dueAt: now, isLate: false, light: "green", caseDueAt: now),
        tags: [], holder: holder, title: new.title, state: "received")
    let response = try await Receipt(secret: "BB3M-DHWV-XXC8-WT9B", trackingID: trackingID, report: report)
        .encodeResponse(status: .created, for: req)
    response.headers.replaceOrAdd(name: .location, value: "/api/v1/reports/\(trackingID)")
    return response
}
try await app.execute()
try await app.asyncShutdown()
