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

    @Test func theSameComplaintInOtherWordsIsFoundAndAnotherIsNot() {
        var index = NearDuplicates.Index<Int>()
        index.add(1, text: bridge)
        index.add(2, text: "Air PDAM di perumahan Griya Asri mati sejak tiga hari, warga membeli air galon.")
        index.add(3, text: "Lampu penerangan jalan di depan masjid Al Ikhlas padam sudah sebulan.")
        let sms = "jembatan gantung ds sukamaju ambrol kmrn sore, warga ga bisa nyebrang ke pasar"
        let found = index.similar(to: sms, threshold: 0.4)
        #expect(found.map(\.id) == [1], "\(found)")
        #expect(index.similar(to: "Jalan berlubang di depan sekolah dasar Cibiru.", threshold: 0.4).isEmpty)
        #expect(index.similar(to: bridge, threshold: 0.99).map(\.id) == [1])
    }

    @Test func signaturesEstimateTheJaccardAndAreStable() {
        let a = NearDuplicates.shingles(of: bridge)
        let b = NearDuplicates.shingles(of: bridge + " Mohon segera diperbaiki.")
        let exact = NearDuplicates.jaccard(a, b)
        let (sa, sb) = (NearDuplicates.signature(of: a), NearDuplicates.signature(of: b))
        let estimate = Double(zip(sa, sb).filter { $0 == $1 }.count) / Double(NearDuplicates.signatureLength)
        #expect(abs(estimate - exact) < 0.2, "estimate \(estimate), exact \(exact)")
        #expect(NearDuplicates.signature(of: a) == sa, "the same text, the same signature")
        #expect(NearDuplicates.jaccard(a, a) == 1 && NearDuplicates.jaccard([], []) == 0)
        #expect(NearDuplicates.shingles(of: "yang dan di").isEmpty)
    }
}
