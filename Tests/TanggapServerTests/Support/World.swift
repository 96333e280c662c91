import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import TanggapCore
@testable import TanggapServer

/// A person in the test world, with an API token (and, for the roles that must have one, a second factor).
struct Person: Sendable {
    let user: SignedInUser
    let token: String
    var recoveryCodes: [String] = []
    var id: Int64 { user.id }
}

/// A small, realistic world: a national level, a regency with a unit and a sub-unit, a ministry, the
/// Ombudsman, one person per role, and a slice of the taxonomy.
///
///     national ── Pemkab Bandung ── Dinas PUPR ── UPT Jalan
///              ├─ Kementerian Kesehatan ── Direktorat Pelayanan
///              └─ Ombudsman RI
struct World: Sendable {
    let app: Application
    let national, pemkab, dinas, upt, kemenkes, direktorat, ombudsman: Institution
    let nationalAdmin, pemkabAdmin, liaison, technician, channelOperator, oversight: Person
    let kemenkesAdmin, kemenkesLiaison, citizen, otherCitizen: Person
    let categoryID, subcategoryID, otherCategoryID, regionID: Int64
    static let password = "kata-sandi-uji-123"

    static func build(_ app: Application) async throws -> World {
        let db = app.db
        let now = app.tanggap.clock.now()
        func make(_ name: String, _ kind: InstitutionKind, _ parent: Institution?) async throws -> Institution {
            try await InstitutionDirectory.create(name: name, kind: kind, under: parent, now: now, on: db)
        }
        let national = try await make("Pengelola Nasional", .national, nil)
        let pemkab = try await make("Pemerintah Kabupaten Bandung", .regency, national)
        let dinas = try await make("Dinas Pekerjaan Umum dan Penataan Ruang", .unit, pemkab)
        let upt = try await make("UPT Jalan Soreang", .subunit, dinas)
        let kemenkes = try await make("Kementerian Kesehatan", .ministry, national)
        let direktorat = try await make("Direktorat Pelayanan Kesehatan", .unit, kemenkes)
        let ombudsman = try await make("Ombudsman Republik Indonesia", .oversight, national)

        func person(_ name: String, _ email: String, home: Institution?, _ roles: [(Role, Institution)]) async throws -> Person {
            var user = try await AccountService.create(
                .init(name: name, email: email, password: password, institutionID: home?.id, roles: roles.map { ($0.0, $0.1.id) }),
                bcryptCost: 4, now: now, on: db)
            var recoveryCodes: [String] = []
            if SecondFactorPolicy.isRequired(for: user.grants, reach: .sensitiveRoles) {
                recoveryCodes = try await enrolSecondFactor(of: user.id, now: now, on: db)
                user = try #require(try await AccountService.signedInUser(id: user.id, on: db))
            }
            let token = try await APITokens.issue(for: user.id, label: "test", lifetime: 400 * 86_400, now: now, on: db).token
            return Person(user: user, token: token, recoveryCodes: recoveryCodes)
        }
        let category = CategoryModel(parentID: nil, name: "PEKERJAAN UMUM DAN PENATAAN RUANG")
        try await category.create(on: db)
        let sub = CategoryModel(parentID: category.id, name: "JALAN BERLUBANG")
        try await sub.create(on: db)
        let other = CategoryModel(parentID: nil, name: "KESEHATAN")
        try await other.create(on: db)
        let province = RegionModel(parentID: nil, name: "Jawa Barat", kind: "province", code: "ID-JB", seat: nil)
        try await province.create(on: db)
        let region = RegionModel(parentID: province.id, name: "Kabupaten Bandung", kind: "kabupaten", code: nil, seat: "Soreang")
        try await region.create(on: db)

        return World(
            app: app, national: national, pemkab: pemkab, dinas: dinas, upt: upt, kemenkes: kemenkes, direktorat: direktorat,
            ombudsman: ombudsman,
            nationalAdmin: try await person("Admin Nasional", "admin@tanggap.test", home: national, [(.nationalAdmin, national)]),
            pemkabAdmin: try await person("Admin Pemkab", "admin.bandung@tanggap.test", home: pemkab, [(.institutionAdmin, pemkab)]),
            liaison: try await person("Penghubung PUPR", "penghubung@tanggap.test", home: dinas, [(.liaisonOfficer, dinas)]),
            technician: try await person("Teknisi PUPR", "teknis@tanggap.test", home: dinas, [(.technicalOfficer, dinas)]),
            channelOperator: try await person("Operator Kanal", "operator@tanggap.test", home: pemkab, [(.operator, pemkab)]),
            oversight: try await person("Pengawas", "pengawas@tanggap.test", home: ombudsman, [(.oversight, national)]),
            kemenkesAdmin: try await person(
                "Admin Kemenkes", "admin.kemenkes@tanggap.test", home: kemenkes, [(.institutionAdmin, kemenkes)]),
            kemenkesLiaison: try await person(
                "Penghubung Kemenkes", "penghubung.kemenkes@tanggap.test", home: direktorat, [(.liaisonOfficer, direktorat)]),
            citizen: try await person("Siti Warga", "siti@warga.test", home: nil, []),
            otherCitizen: try await person("Budi Tetangga", "budi@warga.test", home: nil, []),
            categoryID: category.id!, subcategoryID: sub.id!, otherCategoryID: other.id!, regionID: region.id!)
    }

    /// Enrols an authenticator as its owner would, confirming with the code of the step before `now`, so the codes
    /// of now and the next step are still unused for the test's own sign-ins. Answers the recovery codes.
    static func enrolSecondFactor(of userID: Int64, now: Date, on db: any Database) async throws -> [String] {
        let secret = try #require(try await SecondFactors.pendingSecret(for: userID, now: now, on: db))
        let code = TOTP.code(secret: secret, counter: TOTP.counter(at: now) - 1)
        return try await SecondFactors.confirm(userID, code: code, now: now, on: db)
    }

    /// The next authenticator code `email` may sign in with at `now`: a step later than the last one used.
    static func nextCode(for email: String, now: Date, on db: any Database) async throws -> String {
        struct Stored: Decodable {
            let secret: String
            let last_step: Int64?
        }
        let stored = try #require(
            try await db.sql.raw(
                "SELECT f.secret, f.last_step FROM second_factors f JOIN users u ON u.id = f.user_id WHERE u.email = \(bind: email)"
            ).first(decoding: Stored.self), "\(email) has no second factor")
        let step = max(TOTP.counter(at: now) - 1, (stored.last_step ?? .min) + 1)
        #expect(step <= TOTP.counter(at: now) + 1, "every code of \(email) near now is used: move the clock on")
        return TOTP.code(secret: try #require(Base32.decode(stored.secret)), counter: step)
    }

    /// The body of a valid report; `changes` overrides or adds fields.
    func reportFields(_ changes: [String: Any] = [:]) -> [String: Any] {
        var fields: [String: Any] = [
            "classification": "pengaduan", "title": "Jalan berlubang di depan pasar Soreang",
            "body": "Lubang besar di jalan utama depan pasar Soreang sudah sebulan dan membahayakan pengendara motor.",
            "event_date": "2026-11-01", "location_text": "Jl. Raya Soreang", "region_id": regionID,
            "category_id": categoryID, "subcategory_id": subcategoryID, "reporter_name": "Asep Pelapor",
            "reporter_phone": "081234567890",
        ]
        for (key, value) in changes { fields[key] = value }
        return fields
    }

    struct Submitted {
        let trackingID: String
        let secret: String?
        let reply: Reply
    }

    /// Files a report (as a visitor unless `by` names someone) and checks it was accepted.
    @discardableResult
    func submit(
        _ changes: [String: Any] = [:], by person: Person? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Submitted {
        let reply = try await app.request(.POST, "/api/v1/reports", token: person?.token, json: reportFields(changes))
        #expect(reply.status == .created, "\(reply.text)", sourceLocation: sourceLocation)
        let receipt = try? reply.receipt
        return Submitted(trackingID: receipt?.trackingID ?? "", secret: receipt?.secret, reply: reply)
    }

    /// Asks for an action on a report as a person (by token) or as the reporter (by secret).
    @discardableResult
    func act(
        _ action: EventKind, on trackingID: String, by person: Person? = nil, secret: String? = nil, _ body: [String: Any] = [:]
    ) async throws -> Reply {
        try await act(path: action.pathComponent, on: trackingID, by: person, secret: secret, body)
    }

    /// An action by the name in its URL, for names that are no action.
    func act(
        path: String, on trackingID: String, by person: Person? = nil, secret: String? = nil, _ body: [String: Any] = [:]
    ) async throws -> Reply {
        try await app.request(.POST, "/api/v1/reports/\(trackingID)/\(path)", token: person?.token, secret: secret, json: body)
    }

    /// Asks to open an anonim reporter's sealed identity, with a reason.
    func openIdentity(
        of trackingID: String, by person: Person?, reason: String = "Ancaman kekerasan terhadap petugas, perlu dihubungi"
    ) async throws -> Reply {
        try await act(path: "identity-openings", on: trackingID, by: person, ["reason": reason])
    }

    /// Like `act`, but the action must succeed.
    @discardableResult
    func must(
        _ action: EventKind, on trackingID: String, by person: Person? = nil, secret: String? = nil, _ body: [String: Any] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Reply {
        let reply = try await act(action, on: trackingID, by: person, secret: secret, body)
        #expect(reply.status == .ok, "\(action): \(reply.text)", sourceLocation: sourceLocation)
        return reply
    }

    /// A report filed to the regency and taken to the Dinas (dispatched), ready for an answer.
    func dispatchedToDinas(_ changes: [String: Any] = [:]) async throws -> Submitted {
        let report = try await submit(["target_institution_id": pemkab.id].merging(changes) { $1 })
        try await must(.verify, on: report.trackingID, by: pemkabAdmin)
        try await must(.dispatch, on: report.trackingID, by: pemkabAdmin, ["institution_id": dinas.id])
        return report
    }

    func get(_ path: String, as person: Person? = nil, secret: String? = nil) async throws -> Reply {
        try await app.request(.GET, path, token: person?.token, secret: secret)
    }

    /// Counts of rows in the tables a request could write to: equal before and after means nothing changed.
    func tableCounts() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in ["reports", "report_events", "report_routes", "attachments", "report_corrections", "users", "api_tokens"] {
            struct Row: Decodable { let n: Int }
            counts[table] = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: Row.self)!.n
        }
        return counts
    }

    /// Files in the attachments folder.
    func storedFileCount() -> Int {
        let root = app.tanggap.settings.attachmentsDirectory
        let files = FileManager.default.enumerator(atPath: root)?.allObjects.compactMap { $0 as? String } ?? []
        return files.filter { path in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }.count
    }
}
