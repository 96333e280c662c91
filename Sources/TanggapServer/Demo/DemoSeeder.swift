import Fluent
import Foundation
import TanggapCore

/// Seeds a realistic demo into an empty database: reference data, the institution tree, one account per role,
/// and a few hundred reports walked through the real lifecycle (every state, with their full histories).
public enum DemoSeeder {
    public struct Summary: Sendable {
        public let password: String
        public let accounts: [(email: String, name: String, roles: String)]
        public let reports: Int
    }

    public static func seed(
        context: TanggapContext, resourcesDirectory: String, password: String? = nil, reports count: Int = 360, on db: any Database
    ) async throws -> Summary {
        guard try await InstitutionModel.query(on: db).count() == 0 else { throw DemoError.notEmpty }
        let data = resourcesDirectory + "Data/"
        _ = try await ReferenceDataImporter.importCategories(from: data + "lapor-categories.csv", on: db)
        _ = try await ReferenceDataImporter.importRegions(from: data + "wilayah-kabkota.csv", on: db)
        let password = password ?? randomPassword()
        let now = context.clock.now()
        let tree = try await DemoTree.build(password: password, bcryptCost: context.settings.bcryptCost, now: now, on: db)
        for (title, body) in DemoContent.replyTemplates {
            try await ReplyTemplates.add(title: title, body: body, to: tree.bandung.id, now: now, on: db)
        }
        var walker = DemoWalker(tree: tree, context: context, now: now, db: db, count: count)
        for index in 0..<count { try await walker.walk(index) }
        let names = try await InstitutionDirectory.names(Set(tree.people.all.flatMap { $0.grants.map(\.scope.institutionID) }), on: db)
        return Summary(
            password: password,
            accounts: tree.people.all.map { user in
                let roles = user.grants.map { "\($0.role.rawValue) @ \(names[$0.scope.institutionID] ?? "")" }.joined(separator: ", ")
                return (user.email, user.name, roles.isEmpty ? "citizen" : roles)
            },
            reports: count)
    }

    static func randomPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        return String((0..<14).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

/// Takes one demo report from submission to the state its number calls for.
struct DemoWalker {
    let tree: DemoTree
    let context: TanggapContext
    let now: Date
    let db: any Database
    let count: Int
    var random = DemoRandom(seed: 20_261_123)
    var time = Date()

    /// The share of reports ending in each outcome, out of 20.
    enum Outcome: CaseIterable {
        case received, verified, dispatched, assigned, onHold, answered, repliedBack, completed, rated, archived, bounced, escalated
    }

    static let outcomes: [Outcome] = [
        .received, .received, .verified, .dispatched, .dispatched, .assigned, .onHold,
        .answered, .answered, .repliedBack, .completed, .completed, .rated, .rated, .rated,
        .archived, .archived, .bounced, .escalated, .completed,
    ]

    mutating func walk(_ index: Int) async throws {
        let outcome = Self.outcomes[index % Self.outcomes.count]
        let template = DemoContent.templates[random.next(DemoContent.templates.count)]
        let district = DemoContent.districts[random.next(DemoContent.districts.count)]
        let unit = tree.units[template.unit]!
        // Reports come in one after another over the last 120 days, so the newest id is the newest report.
        let spacing = 120 * 86_400 / Double(max(count, 1))
        time = now.addingTimeInterval(-Double(count - index) * spacing - 30 * 3600 - Double(random.next(Int(spacing * 0.4))))

        let withAccount = random.next(5) == 0
        let namesBandung = random.next(10) < 6
        let offline = !withAccount && random.next(8) == 0
        let person = DemoContent.names[random.next(DemoContent.names.count)]
        let category = try await CategoryModel.query(on: db).filter(\.$name == template.category).filter(\.$parentID == nil).first()
        var subcategory: CategoryModel?
        if let category {
            subcategory = try await CategoryModel.query(on: db).filter(\.$name == template.subcategory).filter(\.$parentID == category.id!)
                .first()
        }
        let region = try await RegionModel.query(on: db).filter(\.$name == "Kabupaten Bandung").first()
        let submission = ReportSubmission(
            classification: template.classification.rawValue,
            title: template.title.replacingOccurrences(of: "{d}", with: district),
            body: template.body.replacingOccurrences(of: "{d}", with: district),
            eventDate: LocalDate(time.addingTimeInterval(-86_400 * Double(random.next(5))), in: context.settings.timeZone).iso,
            locationText: "Kecamatan \(district), Kabupaten Bandung", regionID: region?.id,
            categoryID: category?.id, subcategoryID: subcategory?.id, targetInstitutionID: namesBandung ? tree.bandung.id : nil,
            isAnonymous: random.next(7) == 0, isConfidential: random.next(10) == 0,
            channel: offline ? [TanggapCore.Channel.radio, .walkIn, .publicDialogue][random.next(3)].rawValue : nil,
            reporterName: withAccount ? nil : person,
            reporterPhone: withAccount ? nil : "08\(1_200_000_000 + random.next(800_000_000))")
        let submitter: SubmitterIdentity =
            withAccount ? .user(tree.people.citizen) : offline ? .user(tree.people.bandungOperator) : .visitor
        let receipt = try await ReportIntake.submit(
            submission, uploads: [], from: submitter, defaultChannel: .web, context: at(time), on: db
        ).receipt
        let reporter: DemoActor = withAccount ? .person(tree.people.citizen) : .reporter
        let id = receipt.reportID
        let admin = namesBandung ? tree.people.bandungAdmin : tree.people.nationalAdmin
        let liaison = tree.people.liaisons[template.unit] ?? tree.people.bandungAdmin

        if outcome == .received { return }
        try await act(.verify, on: id, by: admin)
        if outcome == .verified { return }
        if !namesBandung { try await act(.dispatch, ActionRequest(institutionID: tree.bandung.id), on: id, by: tree.people.nationalAdmin) }
        if outcome == .bounced {
            // Sent to the wrong unit first; it says so and the regency routes it again.
            let wrongKey = template.unit == "pupr" ? "dlh" : "pupr"
            let wrong = tree.units[wrongKey]!
            try await act(.dispatch, ActionRequest(institutionID: wrong.id), on: id, by: tree.people.bandungAdmin)
            try await act(
                .notOurAuthority, ActionRequest(reason: "Bukan kewenangan \(wrong.shortName ?? wrong.name); mohon dialihkan."),
                on: id, by: tree.people.liaisons[wrongKey] ?? tree.people.bandungAdmin)
        }
        if outcome == .archived {
            let reasons = ["spam", "unclear", "out_of_scope"]
            try await act(
                .archive, ActionRequest(note: "Diarsipkan saat verifikasi.", archiveReason: reasons[random.next(3)]), on: id,
                by: tree.people.bandungAdmin)
            return
        }
        try await act(
            .dispatch, ActionRequest(note: "Mohon ditindaklanjuti sesuai kewenangan.", institutionID: unit.id), on: id,
            by: tree.people.bandungAdmin)
        if outcome == .dispatched { return }
        if outcome == .escalated {
            try await act(.escalate, ActionRequest(note: "Belum ditindaklanjuti lebih dari 60 hari."), on: id, by: tree.people.ombudsman)
            return
        }
        if outcome == .onHold {
            try await act(.hold, ActionRequest(question: DemoContent.questions[random.next(2)]), on: id, by: liaison)
            return
        }
        if template.unit == "pupr" {
            try await act(.assign, ActionRequest(userID: tree.people.technicalOfficer.id), on: id, by: liaison)
            try await act(
                .note, ActionRequest(text: "Survei lapangan dijadwalkan; perkiraan material 2 m³ aspal."), on: id,
                by: tree.people.technicalOfficer)
        }
        if outcome == .assigned { return }
        // One unit in four takes its time: a tail of answers that come after the deadline.
        if random.next(4) == 0 { time = min(now.addingTimeInterval(-3_600), time.addingTimeInterval(Double(random.next(8) + 4) * 86_400)) }
        try await act(.answer, ActionRequest(text: DemoContent.answers[random.next(3)]), on: id, by: liaison)
        if outcome == .answered { return }
        if outcome == .repliedBack {
            try await act(.reply, ActionRequest(text: DemoContent.replies[random.next(2)]), on: id, by: reporter)
            return
        }
        try await act(.confirm, ActionRequest(), on: id, by: reporter)
        if outcome == .rated {
            let rating = ["very_satisfied", "satisfied", "satisfied", "fairly_satisfied", "not_satisfied"][random.next(5)]
            try await act(.rate, ActionRequest(comment: "Terima kasih atas tindak lanjutnya.", rating: rating), on: id, by: reporter)
        }
    }

    enum DemoActor {
        case person(SignedInUser)
        case reporter
    }

    private mutating func act(
        _ kind: EventKind, _ request: ActionRequest = ActionRequest(), on reportID: Int64, by user: SignedInUser
    ) async throws {
        try await act(kind, request, on: reportID, by: .person(user))
    }

    private mutating func act(
        _ kind: EventKind, _ request: ActionRequest = ActionRequest(), on reportID: Int64, by who: DemoActor
    ) async throws {
        time = min(now.addingTimeInterval(-600), time.addingTimeInterval(Double(random.next(40) + 2) * 3600))
        let (actor, eventActor): (Actor, EventActor) =
            switch who {
            case .person(let user): (.user(user.actor), .user(id: user.id, institutionID: user.institutionID))
            case .reporter: (.reporter, .reporter)
            }
        _ = try await ReportActions.perform(
            kind, request, on: reportID, by: actor, attributedTo: eventActor, channel: .web, context: at(time), on: db)
    }

    private func at(_ moment: Date) -> TanggapContext {
        var shifted = context
        shifted.clock = Clock { moment }
        // Seeded history happened in the past and to made-up people: it sends no messages to reporters.
        shifted.mailer = nil
        shifted.settings.channels = ChannelSettings()
        return shifted
    }
}

/// A small deterministic generator, so that every demo has the same shape.
struct DemoRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}
