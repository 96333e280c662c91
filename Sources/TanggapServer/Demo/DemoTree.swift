import Fluent
import Foundation
import TanggapCore

/// The demo's institutions and people: the national level, some ministries and agencies, the Ombudsman,
/// two provinces with their regencies and cities (from the regions data), and units under Kabupaten Bandung.
struct DemoTree: Sendable {
    let root: Institution
    let ombudsman: Institution
    let kemenkes: Institution
    let jawaBarat: Institution
    let bali: Institution
    let bandung: Institution
    /// Units of Kabupaten Bandung by short key (pupr, dinkes, disdukcapil, …) and their sub-units.
    let units: [String: Institution]
    let subunits: [String: Institution]
    let people: DemoPeople

    static let provinces: [(name: String, timeZone: String)] = [("Jawa Barat", "Asia/Jakarta"), ("Bali", "Asia/Makassar")]

    static let unitNames: [(key: String, name: String, short: String)] = [
        ("pupr", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUTR"),
        ("dinkes", "Dinas Kesehatan", "Dinkes"),
        ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
        ("disdik", "Dinas Pendidikan", "Disdik"),
        ("dinsos", "Dinas Sosial", "Dinsos"),
        ("dishub", "Dinas Perhubungan", "Dishub"),
        ("satpolpp", "Satuan Polisi Pamong Praja", "Satpol PP"),
        ("dlh", "Dinas Lingkungan Hidup", "DLH"),
    ]

    static func build(password: String, bcryptCost: Int, now: Date, on db: any Database) async throws -> DemoTree {
        func make(
            _ name: String, _ kind: InstitutionKind, under parent: Institution?, short: String? = nil,
            code: String? = nil, region: Int64? = nil, zone: String? = nil
        ) async throws -> Institution {
            try await InstitutionDirectory.create(
                name: name, kind: kind, under: parent, shortName: short, code: code,
                regionID: region, timeZone: zone, now: now, on: db)
        }
        let root = try await make(
            "Pengelola Nasional SP4N-LAPOR!", .national, under: nil, short: "Nasional", code: "nasional", zone: "Asia/Jakarta")
        let ombudsman = try await make("Ombudsman Republik Indonesia", .oversight, under: root, short: "Ombudsman RI", code: "ombudsman")
        let kemenkes = try await make("Kementerian Kesehatan", .ministry, under: root, short: "Kemenkes", code: "kemenkes")
        for (name, short, code) in [
            ("Kementerian Pendidikan Dasar dan Menengah", "Kemendikdasmen", "kemendikdasmen"),
            ("Kementerian Pekerjaan Umum", "Kementerian PU", "kemen-pu"),
            ("Kementerian Sosial", "Kemensos", "kemensos"),
        ] {
            try await make(name, .ministry, under: root, short: short, code: code)
        }
        try await make("BPJS Kesehatan", .agency, under: root, short: "BPJS Kesehatan", code: "bpjs-kesehatan")
        try await make(
            "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional", .ministry, under: root, short: "ATR/BPN", code: "atr-bpn")

        var provinceInstitutions: [String: Institution] = [:]
        var bandung: Institution?
        for (province, zone) in provinces {
            guard let region = try await RegionModel.query(on: db).filter(\.$name == province).filter(\.$parentID == nil).first() else {
                continue
            }
            let government = try await make(
                "Pemerintah Provinsi \(province)", .province, under: root, short: "Pemprov \(province)",
                region: region.id, zone: zone)
            provinceInstitutions[province] = government
            for local in try await RegionModel.query(on: db).filter(\.$parentID == region.id!).sort(\.$name).all() {
                let isCity = local.kind == "kota"
                let institution = try await make(
                    "Pemerintah \(local.name)", isCity ? .city : .regency, under: government,
                    short: local.name, region: local.id)
                if local.name == "Kabupaten Bandung" { bandung = institution }
            }
        }
        guard let jawaBarat = provinceInstitutions["Jawa Barat"], let bali = provinceInstitutions["Bali"], let bandung else {
            throw DemoError.missingRegions
        }
        var units: [String: Institution] = [:]
        for (key, name, short) in unitNames {
            units[key] = try await make(name, .unit, under: bandung, short: short, code: "kab-bandung-\(key)")
        }
        var subunits: [String: Institution] = [:]
        subunits["upt-jalan"] = try await make(
            "UPT Pengelolaan Jalan dan Jembatan Wilayah Soreang", .subunit, under: units["pupr"]!, short: "UPT Jalan Soreang")
        subunits["puskesmas-soreang"] = try await make("Puskesmas Soreang", .subunit, under: units["dinkes"]!)
        subunits["puskesmas-banjaran"] = try await make("Puskesmas Banjaran", .subunit, under: units["dinkes"]!)

        let people = try await DemoPeople.create(
            password: password, bcryptCost: bcryptCost, now: now, root: root, ombudsman: ombudsman, kemenkes: kemenkes,
            bandung: bandung, units: units, on: db)
        return DemoTree(
            root: root, ombudsman: ombudsman, kemenkes: kemenkes, jawaBarat: jawaBarat, bali: bali, bandung: bandung,
            units: units, subunits: subunits, people: people)
    }
}

/// One account per role, named after what they do.
struct DemoPeople: Sendable {
    let nationalAdmin: SignedInUser
    let bandungAdmin: SignedInUser
    let kemenkesAdmin: SignedInUser
    let liaisons: [String: SignedInUser]
    let technicalOfficer: SignedInUser
    let bandungOperator: SignedInUser
    let ombudsman: SignedInUser
    let citizen: SignedInUser

    var all: [SignedInUser] {
        [nationalAdmin, bandungAdmin, kemenkesAdmin] + liaisons.keys.sorted().map { liaisons[$0]! }
            + [technicalOfficer, bandungOperator, ombudsman, citizen]
    }

    static func create(
        password: String, bcryptCost: Int, now: Date, root: Institution, ombudsman: Institution, kemenkes: Institution,
        bandung: Institution, units: [String: Institution], on db: any Database
    ) async throws -> DemoPeople {
        // The demo's people joined a year ago, as a running deployment's would: an account's age is what its flag
        // on a comment weighs (`CommentModeration.flagWeight`).
        let joined = now.addingTimeInterval(-365 * 86_400)
        func person(_ name: String, _ email: String, at home: Institution?, _ roles: [(Role, Institution)]) async throws -> SignedInUser {
            try await AccountService.create(
                .init(name: name, email: email, password: password, institutionID: home?.id, roles: roles.map { ($0.0, $0.1.id) }),
                bcryptCost: bcryptCost, now: joined, on: db)
        }
        var liaisons: [String: SignedInUser] = [:]
        for (key, label) in [("pupr", "PUPR"), ("dinkes", "Dinkes"), ("disdukcapil", "Disdukcapil")] {
            liaisons[key] = try await person(
                "Penghubung \(label) Kab. Bandung", "penghubung.\(key)@tanggap.test", at: units[key]!,
                [(.liaisonOfficer, units[key]!)])
        }
        return DemoPeople(
            nationalAdmin: try await person("Admin Nasional", "admin@tanggap.test", at: root, [(.nationalAdmin, root)]),
            bandungAdmin: try await person(
                "Admin Kabupaten Bandung", "admin.bandung@tanggap.test", at: bandung, [(.institutionAdmin, bandung)]),
            kemenkesAdmin: try await person(
                "Admin Kementerian Kesehatan", "admin.kemenkes@tanggap.test", at: kemenkes, [(.institutionAdmin, kemenkes)]),
            liaisons: liaisons,
            technicalOfficer: try await person(
                "Teknisi Jalan DPUTR", "teknis.pupr@tanggap.test", at: units["pupr"]!, [(.technicalOfficer, units["pupr"]!)]),
            bandungOperator: try await person(
                "Operator Kanal Kab. Bandung", "operator.bandung@tanggap.test", at: bandung, [(.operator, bandung)]),
            ombudsman: try await person("Pengawas Ombudsman RI", "pengawas@tanggap.test", at: ombudsman, [(.oversight, root)]),
            citizen: try await person("Warga Contoh", "warga@tanggap.test", at: nil, []))
    }
}

enum DemoError: Error, CustomStringConvertible {
    case notEmpty
    case missingRegions

    var description: String {
        switch self {
        case .notEmpty: "the database already holds institutions; the demo is only seeded into an empty database"
        case .missingRegions: "the regions data lacks Jawa Barat, Bali or Kabupaten Bandung"
        }
    }
}
