import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The national tree at full size for synthetic data: ministries with their directorates, and every province,
/// regency and city of `wilayah-kabkota.csv` as a local government with its offices (dinas). Found again on a second
/// run, so generating more reports reuses it.
struct SyntheticTree: Sendable {
    struct Holder: Sendable {
        let id: Int64
        let path: InstitutionPath
        /// The region its reports come from (nil for a ministry's: from anywhere).
        let regionID: Int64?
    }

    /// Where reports end up: the units, and the bodies above them for what they answer themselves.
    var holders: [Holder] = []
    var institutions = 0
    /// Regencies and cities, for reports to a ministry: they come from all over the country.
    var regions: [Int64] = []
    /// The province of every region (a province is its own).
    var provinceOf: [Int64: Int64] = [:]
    /// Who works where: an admin for each ministry and government, a liaison officer for each unit.
    var staff: [(institution: Institution, role: Role)] = []
    /// Bodies by where they serve and their name: "<region id>/<office>" for a government's office, "<region id>/"
    /// for the government itself, "national/<ministry>" — so a report about a regency's road finds its office.
    var bodies: [String: Holder] = [:]

    /// The body of `name` serving `regionID` (the government itself for an empty name), or a ministry when
    /// `regionID` is nil; the government when it has no such office.
    func body(named name: String, serving regionID: Int64?) -> Holder? {
        guard let regionID else { return bodies["national/\(name)"] }
        return bodies["\(regionID)/\(name)"] ?? bodies["\(regionID)/"]
    }

    static let ministries = [
        "Kementerian Kesehatan", "Kementerian Pendidikan Dasar dan Menengah", "Kementerian Pekerjaan Umum", "Kementerian Sosial",
        "Kementerian Dalam Negeri", "Kementerian Perhubungan", "Kementerian Agama", "Kementerian Ketenagakerjaan",
        "Kementerian Keuangan", "Kementerian Pertanian", "Kementerian Lingkungan Hidup", "Kementerian Perumahan dan Kawasan Permukiman",
        "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional", "Kementerian Energi dan Sumber Daya Mineral",
        "Kementerian Komunikasi dan Digital", "Kementerian Desa dan Pembangunan Daerah Tertinggal", "Kementerian Perdagangan",
        "Kementerian Kelautan dan Perikanan", "Badan Penyelenggara Jaminan Sosial Kesehatan", "Badan Pusat Statistik",
    ]
    static let directorates = ["Direktorat Jenderal Pelayanan", "Direktorat Jenderal Pengawasan", "Sekretariat Jenderal"]
    static let offices = [
        "Dinas Kesehatan", "Dinas Pendidikan", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Sosial", "Dinas Perhubungan",
        "Dinas Kependudukan dan Pencatatan Sipil", "Dinas Lingkungan Hidup", "Satuan Polisi Pamong Praja", "Dinas Pertanian",
        "Dinas Perdagangan", "Badan Penanggulangan Bencana Daerah", "Dinas Komunikasi dan Informatika", "Dinas Perumahan",
        "Dinas Tenaga Kerja",
    ]

    /// Builds what is missing under the national level: with eight offices per government, 20 ministries with three
    /// directorates, every province with four offices and every regency and city with eight — about 4,900 institutions.
    static func build(root: Institution, officesPerGovernment: Int, now: Date, on db: any Database) async throws -> SyntheticTree {
        try await db.transaction { db in
            try await buildInOneTransaction(root: root, officesPerGovernment: officesPerGovernment, now: now, on: db)
        }
    }

    private static func buildInOneTransaction(
        root: Institution, officesPerGovernment: Int, now: Date, on db: any Database
    ) async throws -> SyntheticTree {
        var tree = SyntheticTree()
        let existing = try await InstitutionModel.query(on: db).all()
        var byParentAndName: [String: Institution] = [:]
        for model in existing { byParentAndName["\(model.parentID ?? 0)/\(model.name)"] = model.record }
        func institution(
            _ name: String, _ kind: InstitutionKind, under parent: Institution, region: Int64? = nil
        ) async throws -> Institution {
            if let found = byParentAndName["\(parent.id)/\(name)"] { return found }
            let made = try await InstitutionDirectory.create(name: name, kind: kind, under: parent, regionID: region, now: now, on: db)
            byParentAndName["\(parent.id)/\(name)"] = made
            return made
        }
        let offices = Array(offices.prefix(officesPerGovernment))
        do {
            for name in ministries {
                let ministry = try await institution(name, .ministry, under: root)
                tree.staff.append((ministry, .institutionAdmin))
                tree.holders.append(Holder(id: ministry.id, path: ministry.path, regionID: nil))
                tree.bodies["national/\(name)"] = tree.holders.last
                for unit in directorates {
                    let made = try await institution(unit, .unit, under: ministry)
                    tree.holders.append(Holder(id: made.id, path: made.path, regionID: nil))
                    tree.staff.append((made, .liaisonOfficer))
                }
            }
            let regions = try await RegionModel.query(on: db).all()
            for region in regions { tree.provinceOf[region.id!] = region.parentID ?? region.id! }
            let provinces = regions.filter { $0.parentID == nil }
            for province in provinces.sorted(by: { $0.name < $1.name }) {
                let government = try await institution("Pemerintah Provinsi \(province.name)", .province, under: root, region: province.id)
                tree.staff.append((government, .institutionAdmin))
                tree.bodies["\(province.id!)/"] = Holder(id: government.id, path: government.path, regionID: province.id)
                for unit in offices.prefix(max(1, offices.count / 2)) {
                    let made = try await institution(unit, .unit, under: government)
                    tree.holders.append(Holder(id: made.id, path: made.path, regionID: province.id))
                    tree.bodies["\(province.id!)/\(unit)"] = tree.holders.last
                    tree.staff.append((made, .liaisonOfficer))
                }
                for local in regions.filter({ $0.parentID == province.id }).sorted(by: { $0.name < $1.name }) {
                    tree.regions.append(local.id!)
                    let kind: InstitutionKind = local.kind == "kota" ? .city : .regency
                    let government = try await institution("Pemerintah \(local.name)", kind, under: root, region: local.id)
                    tree.holders.append(Holder(id: government.id, path: government.path, regionID: local.id))
                    tree.bodies["\(local.id!)/"] = tree.holders.last
                    tree.staff.append((government, .institutionAdmin))
                    for unit in offices {
                        let made = try await institution(unit, .unit, under: government)
                        tree.holders.append(Holder(id: made.id, path: made.path, regionID: local.id))
                        tree.bodies["\(local.id!)/\(unit)"] = tree.holders.last
                        tree.staff.append((made, .liaisonOfficer))
                    }
                }
            }
        }
        tree.institutions = byParentAndName.count
        return tree
    }
}
