import Foundation
import Testing

@testable import TanggapCore

/// The text a model reads, and the model: SMS spelling is the same evidence as the standard one, and a small fixed
/// history gives the answers one expects from it.
@Suite struct IndonesianTextTests {
    @Test func smsSpellingComesOutAsTheStandardWords() {
        let sms = "Jln rusak parahhh, ga ada perbaikan dr pemkab sejak thn lalu. Anak2 sklh jatuh!!"
        #expect(
            IndonesianText.words(in: sms) == [
                "jalan", "rusak", "parah", "tidak", "ada", "perbaikan", "dari", "pemerintah", "kabupaten", "sejak", "tahun", "lalu",
                "anak", "sekolah", "jatuh",
            ])
        #expect(
            IndonesianText.contentWords(in: sms) == [
                "jalan", "rusak", "parah", "perbaikan", "pemerintah", "kabupaten", "tahun", "lalu", "anak", "sekolah", "jatuh",
            ])
        let standard = "Jalan rusak parah, tidak ada perbaikan dari pemerintah kabupaten sejak tahun lalu. Anak sekolah jatuh."
        #expect(IndonesianText.features(of: sms) == IndonesianText.features(of: standard))
    }

    @Test func aHeldLetterIsOneButAWordsOwnDoubleStays() {
        #expect(IndonesianText.squeezed("parahhh") == "parah" && IndonesianText.squeezed("mohonnnn") == "mohon")
        #expect(IndonesianText.squeezed("maaf") == "maaf" && IndonesianText.squeezed("saat") == "saat")
        #expect(IndonesianText.words(in: "udh 3 hari PDAM mati2") == ["sudah", "3", "hari", "pdam", "mati"])
    }

    @Test func wordPiecesMatchAcrossAffixesAndTypos() {
        let a = Set(IndonesianText.features(of: "perbaikan jembatan"))
        let b = Set(IndonesianText.features(of: "diperbaiki jembatn"))
        #expect(a.contains("c:baik") && b.contains("c:baik"))
        #expect(a.contains("c:jemb") && b.contains("c:jemb"), "a typo keeps most of its pieces")
        #expect(a.contains("b:perbaikan_jembatan"))
        #expect(!a.contains("w:dan") && IndonesianText.features(of: "yang dan di ke").isEmpty)
    }
}

@Suite struct TextClassifierTests {
    func trained() -> TextClassifier<String> {
        var model = TextClassifier<String>()
        let history: [(String, String)] = [
            ("Jalan berlubang besar di depan pasar, motor sering jatuh", "jalan"),
            ("Aspal jalan desa rusak parah dan berlubang setelah hujan", "jalan"),
            ("Jembatan penghubung desa retak dan hampir ambruk", "jalan"),
            ("Air PDAM mati tiga hari, warga tidak bisa mandi", "air"),
            ("Air keran keruh dan berbau sejak minggu lalu", "air"),
            ("Pipa air bocor di depan rumah, air terbuang", "air"),
            ("Sekolah meminta biaya seragam yang mahal", "sekolah"),
            ("Guru sering tidak datang mengajar di sekolah dasar", "sekolah"),
        ]
        for (text, label) in history { model.learn(IndonesianText.features(of: text), as: label) }
        return model
    }

    @Test func aNewReportGetsTheCategoryItsWordsBelongTo() {
        let model = trained()
        #expect(model.learnt == 8 && model.labels == ["jalan", "air", "sekolah"])
        let road = model.suggest(IndonesianText.features(of: "jln bolong dkt pasar, udh 2 motor jatuh"), limit: 3)
        #expect(road.map(\.label) == ["jalan", "air", "sekolah"] || road.first?.label == "jalan")
        #expect(road.first!.confidence > 0.8 && road.first!.evidence.contains("berlubang"), "\(road.first!.evidence)")
        let water = model.suggest(IndonesianText.features(of: "air pdam ga ngalir, keruh bgt"), limit: 1)
        #expect(water.map(\.label) == ["air"])
        let school = model.suggest(IndonesianText.features(of: "biaya seragam sklh mahal sekali"), limit: 2)
        #expect(school.first?.label == "sekolah")
        #expect(!school.first!.evidence.isEmpty && Set(school.first!.evidence).isSubset(of: ["biaya", "seragam", "sekolah", "mahal"]))
        #expect(zip(road, road.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
        #expect(road.reduce(0) { $0 + $1.confidence } <= 1.000_001)
    }

    @Test func suggestionsStayAmongTheAllowedLabels() {
        let model = trained()
        let only = model.suggest(IndonesianText.features(of: "jalan berlubang"), limit: 3, among: ["air", "sekolah"])
        #expect(Set(only.map(\.label)).isSubset(of: ["air", "sekolah"]) && only.count == 2)
        #expect(TextClassifier<String>().suggest(["w:jalan"], limit: 3).isEmpty)
        #expect(model.suggest(IndonesianText.features(of: "zzz qqq"), limit: 1).count == 1, "unknown words: the prior decides")
    }
}

@Suite struct NearDuplicatesTests {
    let bridge = "Jembatan gantung di Desa Sukamaju ambruk kemarin sore, warga tidak bisa menyeberang ke pasar."
    let others = [
        "Air PDAM di perumahan Griya Asri mati sejak tiga hari, warga membeli air galon.",
        "Lampu penerangan jalan di depan masjid Al Ikhlas padam sudah sebulan.",
        "Jalan berlubang di depan sekolah dasar Cibiru, warga tidak bisa lewat.",
    ]

    @Test func theSameComplaintInOtherWordsIsMoreAlikeThanAnother() {
        let sms = NearDuplicates.shingles(of: "jembatan gantung ds sukamaju ambrol kmrn sore, warga ga bisa nyebrang ke pasar")
        let original = NearDuplicates.shingles(of: bridge)
        let same = NearDuplicates.jaccard(sms, original)
        for other in others {
            #expect(same > NearDuplicates.jaccard(sms, NearDuplicates.shingles(of: other)) + 0.3, "\(other)")
        }
        #expect(NearDuplicates.jaccard(original, original) == 1 && NearDuplicates.jaccard([], []) == 0)
        #expect(NearDuplicates.shingles(of: "yang dan di").isEmpty)
        #expect(NearDuplicates.shingles(of: bridge) == original, "the same text, the same shingles, in every process")
    }

    @Test func rarityWeighsWhatIsParticularAboveWhatEveryComplaintSays() {
        let formula = " Mohon segera ditindaklanjuti oleh dinas terkait, warga sudah lama menunggu."
        var rarity = NearDuplicates.Rarity()
        for text in others + (1...20).map({ "Keluhan nomor \($0) tentang pelayanan umum." }) {
            rarity.count(NearDuplicates.shingles(of: text + formula))
        }
        // Two different problems written with the same formula, and one problem in two people's words.
        let a = NearDuplicates.shingles(of: "Sampah menumpuk di pasar Kosambi." + formula)
        let b = NearDuplicates.shingles(of: "Trotoar rusak di terminal Leuwipanjang." + formula)
        let c = NearDuplicates.shingles(of: "sampah numpuk di pasar kosambi, bau sekali")
        #expect(NearDuplicates.similarity(a, b, rarity: nil) > NearDuplicates.similarity(a, b, rarity: rarity) + 0.15)
        #expect(NearDuplicates.similarity(a, c, rarity: rarity) > NearDuplicates.similarity(a, b, rarity: rarity))
        #expect(NearDuplicates.similarity(a, a, rarity: rarity) == 1)
        #expect(NearDuplicates.similarity(a, b, rarity: NearDuplicates.Rarity()) == NearDuplicates.jaccard(a, b), "no history: plain")
        rarity.prune(below: 3)
        #expect(rarity.remembered > 0 && rarity.documents == 23)
    }

    @Test func numbersTellTwoSpotsOfOneStreetApart() {
        let house = "Saluran air tersumbat di Jl. Merdeka No. 17, Desa Sukamaju RT 03/RW 05."
        let same = NearDuplicates.shingles(of: "saluran air mampet di jl merdeka no 17 ds sukamaju rt 3 rw 5")
        let next = NearDuplicates.shingles(of: "Saluran air tersumbat di Jl. Merdeka No. 240, Desa Sukamaju RT 11/RW 02.")
        let original = NearDuplicates.shingles(of: house)
        #expect(NearDuplicates.jaccard(original, same) == 1, "SMS spelling and leading zeros: the same spot")
        #expect(NearDuplicates.jaccard(original, next) < 0.8)
    }

    @Test func theSameComplaintAtAnotherAddressIsHalfAsAlike() {
        let complaint = "Akta kelahiran belum jadi berbulan-bulan, petugas bilang sistem sedang offline."
        let print = { (place: String) in NearDuplicates.Fingerprint(of: complaint + " " + place, weights: .uniform) }
        let here = print("Di Desa Sukamaju RT 5/RW 8 dekat masjid.")
        #expect(NearDuplicates.similarity(here, print("Di Desa Sukamaju RT 05/RW 08 dekat masjid.")) == 1)
        let otherHamlet = NearDuplicates.similarity(here, print("Di Desa Sukamaju RT 5/RW 6 dekat masjid."))
        let unsaid = NearDuplicates.similarity(here, print("Di Desa Sukamaju dekat masjid."))
        let street = NearDuplicates.similarity(here, print("Di Jl. Merdeka No. 17 dekat masjid."))
        #expect(otherHamlet < 0.5 && street < 0.5, "a different RW, or a house number against an RT/RW: another place")
        #expect(unsaid > 0.6, "an address not given is no evidence either way")
        let elsewhere = NearDuplicates.similarity(here, print("Di Desa Mekarsari dekat masjid."))
        let typo = NearDuplicates.similarity(print("Di Desa Sindangasri dekat masjid."), print("di ds sidnangasri dkt masjid"))
        #expect(elsewhere < 0.5 && typo > 0.55, "another village is another place; a slip in its name is not")
    }

    @Test func whereaboutsAreReadFromTheAddressAndThePlacesNamedAfterDi() {
        let words = IndonesianText.words(in: "Jalan desa rusak di Jl. Raya Cibiru No. 017, km 3, rt 002, di ds Sukamaju.")
        #expect(
            Whereabouts(words: words).parts == ["no": ["17"], "km": ["3"], "rt": ["2"], "jalan": ["raya cibiru"], "desa": ["sukamaju"]])
        #expect(Whereabouts(words: IndonesianText.words(in: "jalan desa tergenang, motor jatuh")).parts.isEmpty, "no place given")
        #expect(Whereabouts.alike("sukamaju", "sukamaju") && !Whereabouts.alike("sukamaju", "sukajadi") && !Whereabouts.alike("5", "15"))
    }

    @Test func aFingerprintComparesAsTheShinglesWeighed() {
        var rarity = NearDuplicates.Rarity()
        for text in others + [bridge, bridge] { rarity.count(NearDuplicates.shingles(of: text)) }
        let weights = rarity.weights
        let sms = "jembatan gantung ds sukamaju ambrol kmrn sore, warga ga bisa nyebrang ke pasar"
        for other in others + [bridge] {
            let byPrints = NearDuplicates.similarity(
                NearDuplicates.Fingerprint(of: sms, weights: weights), NearDuplicates.Fingerprint(of: other, weights: weights))
            let bySets = NearDuplicates.similarity(NearDuplicates.shingles(of: sms), NearDuplicates.shingles(of: other), rarity: rarity)
            #expect(abs(byPrints - bySets) < 1e-12 && byPrints >= 0 && byPrints <= 1)
        }
        #expect(NearDuplicates.Fingerprint(of: "yang dan di", weights: weights).isEmpty)
        #expect(NearDuplicates.Fingerprint(of: "", weights: .uniform).isEmpty)
    }
}

@Suite struct RoutingModelTests {
    // Two regencies of two provinces, each with its office of works and of health; a national ministry of works.
    let bandung = RoutingModel.Place(regionID: 10, provinceID: 1)
    let badung = RoutingModel.Place(regionID: 20, provinceID: 2)
    let candidates = [
        RoutingModel.Candidate(id: 101, key: "local:dinas pekerjaan umum", regionID: 10),
        RoutingModel.Candidate(id: 102, key: "local:dinas kesehatan", regionID: 10),
        RoutingModel.Candidate(id: 201, key: "local:dinas pekerjaan umum", regionID: 20),
        RoutingModel.Candidate(id: 202, key: "local:dinas kesehatan", regionID: 20),
        RoutingModel.Candidate(id: 11, key: "province:dinas pekerjaan umum", regionID: 1),
        RoutingModel.Candidate(id: 900, key: "national:kementerian pekerjaan umum", regionID: nil),
    ]

    func trained() -> RoutingModel {
        var model = RoutingModel()
        let history: [(String, Int64, String)] = [
            ("Jalan desa berlubang besar, motor sering jatuh", 1, "local:dinas pekerjaan umum"),
            ("Aspal jalan kabupaten rusak parah setelah hujan", 1, "local:dinas pekerjaan umum"),
            ("Jembatan desa retak dan hampir ambruk", 1, "local:dinas pekerjaan umum"),
            ("Jalan provinsi amblas separuh badan jalan", 1, "province:dinas pekerjaan umum"),
            ("Ruas jalan provinsi longsor di tepinya", 1, "province:dinas pekerjaan umum"),
            ("Jalan nasional lintas provinsi retak panjang", 1, "national:kementerian pekerjaan umum"),
            ("Puskesmas kehabisan obat, pasien disuruh beli sendiri", 2, "local:dinas kesehatan"),
            ("Dokter puskesmas jarang ada, antrean panjang", 2, "local:dinas kesehatan"),
        ]
        for (text, category, body) in history { model.learn(RoutingModel.Lesson(text: text, categoryID: category, body: body)) }
        return model
    }

    @Test func theRegionDecidesWhichOfficeOfTheKindTheTextNames() {
        let model = trained()
        let road = model.suggestBodies(for: "jln desa bolong parah", categoryID: 1, in: bandung, among: candidates)
        #expect(road.first?.id == 101 && road.first!.inRegion, "\(road.map(\.id))")
        #expect(!road.map(\.id).contains(201) && !road.map(\.id).contains(202), "never another regency's office")
        #expect(road.first!.evidence.contains("jalan") || road.first!.evidence.contains("desa"))
        let sameInBali = model.suggestBodies(for: "jln desa bolong parah", categoryID: 1, in: badung, among: candidates)
        #expect(sameInBali.first?.id == 201 && !sameInBali.map(\.id).contains(101))
        #expect(!sameInBali.map(\.id).contains(11), "Bandung's province is not Badung's")
        let health = model.suggestBodies(for: "obat di puskesmas kosong", categoryID: 2, in: badung, among: candidates)
        #expect(health.first?.id == 202)
    }

    @Test func theTextCanNameAnotherLevel() {
        let model = trained()
        let provincial = model.suggestBodies(for: "jalan provinsi amblas", categoryID: 1, in: bandung, among: candidates)
        #expect(provincial.first?.id == 11 && !provincial.first!.inRegion, "\(provincial.map(\.id))")
        let national = model.suggestBodies(for: "jalan nasional retak", categoryID: 1, in: bandung, among: candidates)
        #expect(national.first?.id == 900)
    }

    @Test func suggestionsStayAmongTheBodiesTheReportMayGoTo() {
        let model = trained()
        let below = candidates.filter { $0.id == 102 || $0.id == 202 }
        let limited = model.suggestBodies(for: "jalan desa berlubang", categoryID: 1, in: bandung, among: below)
        #expect(limited.map(\.id) == [102], "only what may be reached, and only in the region")
        #expect(model.suggestBodies(for: "jalan", categoryID: nil, in: bandung, among: []).isEmpty)
        let nowhere = model.suggestBodies(for: "jalan desa berlubang", categoryID: 1, in: nil, among: candidates, limit: 3)
        #expect(nowhere.count == 3 && Set(nowhere.map(\.id)).isSubset(of: Set(candidates.map(\.id))))
        #expect(model.suggestCategories(for: "puskesmas tanpa dokter").first?.label == 2)
    }

    @Test func aStoredModelSuggestsWhatItsOriginalDid() throws {
        var model = trained()
        model.prune(below: 1)
        let copy = try JSONDecoder().decode(RoutingModel.self, from: JSONEncoder().encode(model))
        let text = "jalan desa rusak"
        #expect(
            copy.suggestBodies(for: text, categoryID: 1, in: bandung, among: candidates).map(\.id)
                == model.suggestBodies(for: text, categoryID: 1, in: bandung, among: candidates).map(\.id))
        #expect(copy.lessons == 8)
    }

    @Test func bodyKeysLeaveTheRegionOut() {
        #expect(BodyKey.key(level: .local, names: ["Pemerintah Kabupaten Bandung", "Dinas Kesehatan"]) == "local:dinas kesehatan")
        #expect(BodyKey.key(level: .local, names: ["Pemerintah Kota Denpasar", "Dinas Kesehatan"]) == "local:dinas kesehatan")
        #expect(BodyKey.key(level: .province, names: ["Pemerintah Provinsi Bali"]) == "province:pemerintah")
        #expect(
            BodyKey.key(level: .national, names: ["Kementerian Kesehatan", "Sekretariat Jenderal"])
                == "national:kementerian kesehatan › sekretariat jenderal")
    }
}

@Suite struct RisingIncidentsTests {
    let bridge = RisingIncidents.Topic(regionID: 10, categoryID: 1)
    let clinic = RisingIncidents.Topic(regionID: 10, categoryID: 2)
    let road = RisingIncidents.Topic(regionID: 20, categoryID: 1)

    @Test func aTopicRisesAgainstItsOwnPastCountedByIncident() {
        let rising = RisingIncidents.rising(
            thisWeek: [
                // One collapsed bridge reported by forty people: one incident, not a rise.
                bridge: .init(incidents: 1, reporters: 40),
                // Six clinics out of medicine where there was about one a week: a rise.
                clinic: .init(incidents: 6, reporters: 9),
                // Twelve potholes where there are always about ten: usual.
                road: .init(incidents: 12, reporters: 12),
            ],
            before: [clinic: 8, road: 80])
        #expect(rising.map(\.topic) == [clinic])
        let clinicRise = rising[0]
        #expect(clinicRise.incidents == 6 && clinicRise.reporters == 9 && clinicRise.weeklyBefore == 1)
        #expect(abs(clinicRise.score - (6 - 1) / 2.0.squareRoot()) < 1e-9)
    }

    @Test func aSilentTopicNeedsMoreThanOneReportToRise() {
        #expect(RisingIncidents.rising(thisWeek: [bridge: .init(incidents: 2, reporters: 2)], before: [:]).isEmpty)
        #expect(RisingIncidents.rising(thisWeek: [bridge: .init(incidents: 3, reporters: 5)], before: [:]).map(\.topic) == [bridge])
    }
}

@Suite struct DispatchReachTests {
    @Test func aReportMayBeSentToItsHolderAndBelowOnly() throws {
        let national = try #require(InstitutionPath(encoded: "/1/"))
        let regency = try #require(InstitutionPath(encoded: "/1/2/"))
        let office = try #require(InstitutionPath(encoded: "/1/2/3/"))
        let ministry = try #require(InstitutionPath(encoded: "/1/4/"))
        #expect(Lifecycle.withinDispatchReach(regency, heldAt: regency) && Lifecycle.withinDispatchReach(office, heldAt: regency))
        #expect(!Lifecycle.withinDispatchReach(ministry, heldAt: regency) && !Lifecycle.withinDispatchReach(national, heldAt: regency))
        #expect(Lifecycle.withinDispatchReach(ministry, heldAt: national))
    }
}
