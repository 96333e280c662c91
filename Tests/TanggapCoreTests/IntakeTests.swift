import TanggapCore
import Testing

@Suite struct IntakeTests {
    let today = LocalDate(year: 2026, month: 11, day: 23)!

    func valid(_ change: (inout ReportSubmission) -> Void = { _ in }) -> ReportSubmission {
        var s = ReportSubmission(
            classification: "pengaduan", title: "Jalan berlubang di Soreang",
            body: "Jalan di depan pasar Soreang berlubang besar dan membahayakan pengendara motor.",
            eventDate: "2026-11-20", locationText: "Jl. Raya Soreang", regionID: 12, categoryID: 3)
        change(&s)
        return s
    }

    func errors(_ input: ReportSubmission, from submitter: Submitter = .visitor) -> [FieldError] {
        do {
            _ = try Intake.validate(input, from: submitter, today: today, defaultChannel: .api)
            return []
        } catch {
            return error.errors
        }
    }

    @Test func aWellFormedReportPasses() throws {
        let report = try Intake.validate(valid(), from: .visitor, today: today, defaultChannel: .web)
        #expect(report.classification == .pengaduan)
        #expect(report.channel == .web)
        #expect(report.eventDate == LocalDate(year: 2026, month: 11, day: 20))
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = errors(
            ReportSubmission(
                classification: "keluhan", title: "", body: "pendek", eventDate: "2026-13-01",
                latitude: 91, longitude: nil, reporterEmail: "bukan email", reporterPhone: "12"))
        #expect(
            Set(found) == [
                FieldError("classification", .invalid), FieldError("title", .required),
                FieldError("body", .tooShort, limit: 10), FieldError("event_date", .invalid),
                FieldError("longitude", .required), FieldError("reporter_email", .invalid),
                FieldError("reporter_phone", .invalid),
            ])
    }

    @Test func theFutureIsNotAnEventDate() {
        #expect(errors(valid { $0.eventDate = "2026-11-24" }) == [FieldError("event_date", .inFuture)])
        #expect(errors(valid { $0.eventDate = "2026-11-23" }) == [])
    }

    @Test func hugeTextIsRefusedWithItsLimit() {
        #expect(errors(valid { $0.title = String(repeating: "x", count: 201) }) == [FieldError("title", .tooLong, limit: 200)])
        #expect(errors(valid { $0.body = String(repeating: "kata ", count: 3000) }) == [FieldError("body", .tooLong, limit: 10_000)])
    }

    @Test func hostileTextIsKeptAsText() throws {
        let script = "<script>alert('x')</script> Jalan rusak"
        let report = try Intake.validate(
            valid {
                $0.title = script
                $0.body = "'; DROP TABLE reports; -- \(script)"
            },
            from: .visitor, today: today, defaultChannel: .api)
        #expect(report.title == script)
    }

    @Test func citizensCannotClaimAnotherChannel() {
        #expect(errors(valid { $0.channel = "radio" }) == [FieldError("channel", .notAllowed)])
        #expect(errors(valid { $0.channel = "pigeon" }) == [FieldError("channel", .invalid)])
        let op = Submitter.user(UserActor(id: 3, grants: [RoleGrant(.operator, on: InstitutionPath([1, 2]))]))
        #expect(errors(valid { $0.channel = "radio" }, from: op) == [])
        #expect(errors(valid { $0.channel = "sms" }, from: op) == [FieldError("channel", .notAllowed)])
        #expect(errors(valid { $0.channel = "sms" }, from: .channelGateway) == [])
    }

    @Test func coordinatesComeInPairsWithinRange() {
        #expect(
            errors(
                valid {
                    $0.latitude = -6.9
                    $0.longitude = 107.6
                }) == [])
        #expect(
            errors(
                valid {
                    $0.latitude = .nan
                    $0.longitude = 200
                }) == [FieldError("latitude", .invalid), FieldError("longitude", .invalid)])
    }

    @Test func contactsAreWrittenOneWay() {
        #expect(ContactRules.phone("0812-3456-7890") == "+6281234567890")
        #expect(ContactRules.phone("+62 812 3456 7890") == "+6281234567890")
        #expect(ContactRules.phone("abc") == nil)
        #expect(ContactRules.email(" Warga@Example.ID ") == "warga@example.id")
        #expect(ContactRules.email("a@b") == nil)
        #expect(ContactRules.email("<x>@evil.com") == nil)
    }

    @Test func datesAreReadStrictly() {
        #expect(LocalDate(iso: "2024-02-29") != nil)
        #expect(LocalDate(iso: "2023-02-29") == nil)
        #expect(LocalDate(iso: "2024-2-9") == nil)
        #expect(LocalDate(iso: "２０２４-02-01") == nil)
        #expect(LocalDate(year: 2024, month: 2, day: 9)?.iso == "2024-02-09")
    }
}

@Suite struct AttachmentPolicyTests {
    static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0, 1]
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]
    static let pdf: [UInt8] = Array("%PDF-1.7\n%âãÏÓ".utf8)
    static let html: [UInt8] = Array("<html><script>alert(1)</script>".utf8)

    @Test func contentDecidesTheType() {
        #expect(AttachmentKind.sniff(Self.jpeg) == .jpeg)
        #expect(AttachmentKind.sniff(Self.png) == .png)
        #expect(AttachmentKind.sniff(Self.pdf) == .pdf)
        #expect(AttachmentKind.sniff(Array("RIFF\0\0\0\0WEBPVP8 ".utf8)) == .webp)
        #expect(AttachmentKind.sniff(Self.html) == nil)
        #expect(AttachmentKind.sniff([]) == nil)
    }

    @Test func aFileThatLiesAboutItsNameIsRefused() {
        let result = AttachmentPolicy.check([
            IncomingFile(name: "foto.jpg", size: 100, head: Self.pdf),
            IncomingFile(name: "foto.jpg", size: 100, head: Self.html),
            IncomingFile(name: "surat.pdf", size: 100, head: Self.pdf),
        ])
        #expect(throws: ValidationFailure([FieldError("attachments[0]", .typeMismatch), FieldError("attachments[1]", .unsupportedType)])) {
            try result.get()
        }
    }

    @Test func theTotalSizeAndCountAreCapped() {
        let big = AttachmentPolicy.check([
            IncomingFile(name: "a.png", size: 1_500_000, head: Self.png),
            IncomingFile(name: "b.png", size: 700_000, head: Self.png),
        ])
        #expect(throws: ValidationFailure([FieldError("attachments", .tooLarge, limit: 2 * 1024 * 1024)])) { try big.get() }
        let many = AttachmentPolicy.check(Array(repeating: IncomingFile(name: "a.png", size: 10, head: Self.png), count: 6))
        #expect(throws: ValidationFailure([FieldError("attachments", .tooMany, limit: 5)])) { try many.get() }
    }

    @Test func namesLoseTheirFoldersAndTricks() throws {
        let accepted = try AttachmentPolicy.check([
            IncomingFile(name: "../../etc/passwd.png", size: 10, head: Self.png),
            IncomingFile(name: "C:\\Users\\x\\..\\foto.jpeg", size: 10, head: Self.jpeg),
            IncomingFile(name: ".htaccess", size: 10, head: Self.png),
            IncomingFile(name: "", size: 10, head: Self.pdf),
        ]).get()
        #expect(accepted.map(\.displayName) == ["passwd.png", "foto.jpeg", "htaccess", "lampiran.pdf"])
    }
}

@Suite struct SearchTermsTests {
    @Test func onlyLettersAndDigitsMakeWordsAndThereAreFewOfThem() {
        #expect(SearchTerms.words(in: "Lampu JALAN, lampu!") == ["lampu", "jalan"])
        #expect(SearchTerms.words(in: "\"lampu\"* OR title:NEAR(x) -y") == ["lampu", "or", "title", "near", "x", "y"])
        #expect(SearchTerms.words(in: "' ; -- % _ * \" <>").isEmpty)
        #expect(SearchTerms.words(in: "Pungli Rp500.000 di kelurahan") == ["pungli", "rp500", "000", "di", "kelurahan"])
        #expect(SearchTerms.words(in: (1...20).map { "kata\($0)" }.joined(separator: " ")).count == SearchTerms.maximumWords)
        #expect(SearchTerms.words(in: String(repeating: "a", count: 500)) == [String(repeating: "a", count: SearchTerms.maximumWordLength)])
    }
}
