import Foundation
import TanggapCore

/// One synthetic report as a real system would hold it after some time: its words, where it came from, how far it
/// got, and the events that took it there. Drawn from a seeded generator, so a run can be repeated exactly.
struct SyntheticReport: Sendable {
    struct Event: Sendable {
        let kind: EventKind
        let at: Date
        let from: (ReportState, Int64)
        let to: (ReportState, Int64)
    }

    let id: Int64
    /// In the order of `columnNames`.
    var values: [SQLCell] = []
    var events: [Event] = []
    /// The institutions that have held it (the national level first when it came in untargeted).
    var route: [(Int64, String)] = []
    var facts: ReportTallies.Facts

    static let columnNames = [
        "id", "tracking_id", "original_title", "original_classification", "original_category_id", "original_subcategory_id", "body",
        "title", "classification", "category_id", "subcategory_id", "tags", "region_id", "holder_id", "holder_path", "state",
        "is_verified", "is_escalated", "archive_reason", "rating", "is_anonymous", "is_confidential", "is_public", "channel",
        "reporter_name", "reporter_phone", "created_at", "updated_at", "verified_at", "dispatched_at", "first_answered_at",
        "completed_at", "archived_at", "rated_at", "sla_stage", "stage_started_at", "stage_due_at", "yellow_at", "sla_light",
        "case_due_at", "held_at", "ladder_rung", "sla_next_check_at", "event_count", "version", "support_count", "comment_count",
        "first_answer_late", "first_answer_working_days", "was_bounced", "duplicate_of_id",
    ]
}

/// Names of reporters.
enum SyntheticText {
    static let names = [
        "Asep", "Siti", "Budi", "Dewi", "Rahmat", "Nur", "Agus", "Sri", "Joko", "Wati", "Made", "Yohanes", "Fitri", "Hendra",
    ]
}

/// Draws synthetic reports: most of the old ones completed, recent ones on their way, a long tail late. Each is about
/// a topic (`SyntheticTopic`) and goes to the body of its kind serving the reporter's region; one incident in twenty
/// is reported again by others over the following days, and those later reports are merged into the first, as staff
/// would — the known truth a duplicate finder is measured against.
struct SyntheticReportMaker {
    /// The taxonomy as the maker needs it: a category's id by its name, and each category's sub-categories.
    struct Taxonomy: Sendable {
        var byName: [String: Int64] = [:]
        var subcategories: [Int64: [Int64]] = [:]
        var all: [Int64] = []
    }

    /// An incident others will report again: who reports next, and where it all goes.
    struct PlantedIncident {
        let primaryID: Int64
        let incident: SyntheticWriting.Incident
        let region: Int64
        let holder: SyntheticTree.Holder
        let category: (main: Int64, sub: Int64?)
        var remaining: Int
        var dueIndex: Int
    }

    let tree: SyntheticTree
    let root: Institution
    let taxonomy: Taxonomy
    let now: Date
    let span: TimeInterval
    var random: DemoRandom
    var writing: SyntheticWriting
    /// Reports per day on average, to space an incident's later reports over days.
    let perDay: Double
    var pending: [PlantedIncident] = []

    init(tree: SyntheticTree, root: Institution, taxonomy: Taxonomy, now: Date, span: TimeInterval, count: Int, seed: UInt64) {
        self.tree = tree
        self.root = root
        self.taxonomy = taxonomy
        self.now = now
        self.span = span
        random = DemoRandom(seed: seed)
        writing = SyntheticWriting(random: DemoRandom(seed: seed &+ 0x5EED))
        perDay = max(1, Double(count) / (span / Self.day))
    }

    static let day: TimeInterval = 86_400
    static let totalWeight = SyntheticTopic.all.reduce(0) { $0 + $1.weight }

    mutating func pick<T>(_ items: [T]) -> T { items[random.next(items.count)] }

    mutating func chance(_ percent: Int) -> Bool { random.next(1_000) < percent * 10 }

    /// Calendar time for working days (five in seven), close enough for synthetic deadlines.
    static func workingDays(_ days: Double) -> TimeInterval { days * 7 / 5 * day }

    mutating func topic() -> SyntheticTopic {
        var roll = random.next(Self.totalWeight)
        for topic in SyntheticTopic.all {
            if roll < topic.weight { return topic }
            roll -= topic.weight
        }
        return SyntheticTopic.all[0]
    }

    /// The `index`th of `count` reports, received in order over the span (more lately: use grows).
    mutating func make(id: Int64, index: Int, of count: Int) -> SyntheticReport {
        let share = (Double(index) + Double(random.next(1_000)) / 1_000) / Double(max(count, 1))
        let created = now.addingTimeInterval(-span * (1 - share.squareRoot()))
        let age = now.timeIntervalSince(created) / Self.day
        // Someone else reporting an incident already on file, or a new one.
        let again = pending.firstIndex { $0.dueIndex <= index }
        let incident: SyntheticWriting.Incident
        let region: Int64
        let holder: SyntheticTree.Holder
        let category: (main: Int64, sub: Int64?)
        var duplicateOf: Int64?
        if let again {
            duplicateOf = pending[again].primaryID
            pending[again].remaining -= 1
            pending[again].dueIndex = index + 1 + Int(perDay * Double(1 + random.next(6)))
            let planted = pending[again]
            if planted.remaining == 0 { pending.remove(at: again) }
            (incident, region, holder, category) = (planted.incident, planted.region, planted.holder, planted.category)
        } else {
            let topic = topic()
            incident = writing.incident(of: topic)
            region = pick(tree.regions)
            let serving: Int64? =
                switch topic.level {
                case .local: region
                case .province: tree.provinceOf[region]
                case .national: nil
                }
            // Not every verifier sends a report to the office of its kind: some regions take everything in at the
            // government itself, and a few reports end up elsewhere for reasons their text does not show.
            let sentToGovernment = topic.level == .local && chance(8)
            holder =
                chance(3)
                ? pick(tree.holders) : tree.body(named: sentToGovernment ? "" : topic.body, serving: serving) ?? pick(tree.holders)
            // A verifier's category is a judgement: now and then another one than the topic's usual.
            let main = chance(4) ? pick(taxonomy.all) : taxonomy.byName[topic.category] ?? pick(taxonomy.all)
            let subs = taxonomy.subcategories[main] ?? []
            category = (main, subs.isEmpty ? nil : pick(subs))
        }
        let untargeted = duplicateOf == nil && chance(30)
        let (title, body) = writing.report(on: incident)
        // What the reporter chose, before a verifier looked: mostly right, sometimes another category.
        let original = chance(80) ? category : (pick(taxonomy.all), nil)
        let classification = chance(80) ? Classification.pengaduan : chance(75) ? .aspirasi : .permintaanInformasi
        let channel = pick([
            Channel.web, .web, .web, .web, .whatsapp, .whatsapp, .sms, .api, .email, .telegram, .socialMedia, .walkIn, .letter, .radio,
        ])

        // How far it got: the older, the likelier done; a tail stays open and late.
        let done = age > 60 ? 94 : Int(min(90, age * 3))
        var state: ReportState
        var archive: ArchiveReason?
        let roll = random.next(100)
        if duplicateOf != nil {
            // Merged into the first report of the incident: one case, every reporter follows it.
            state = .archived
            archive = .duplicate
        } else if roll < 3 {
            state = .archived
            archive = pick([ArchiveReason.spam, .unclear, .outOfScope])
        } else if roll < done {
            state = chance(85) ? .completed : .answered
        } else {
            state = pick([ReportState.received, .verified, .dispatched, .dispatched, .dispatched, .onHold])
        }
        if state == .answered && age > 30 { state = .completed }
        // One new incident in twenty is reported again by others over the next days (never a report already closed
        // without an answer: nobody merges into those).
        if duplicateOf == nil && state != .archived && state != .received && chance(5) {
            pending.append(
                PlantedIncident(
                    primaryID: id, incident: incident, region: region, holder: holder, category: category, remaining: 1 + random.next(5),
                    dueIndex: index + 1 + Int(perDay * Double(random.next(3)))))
        }

        let verified = created.addingTimeInterval(Double(random.next(48)) * 3_600)
        let reached = state != .received && state != .archived
        let answeredLate = chance(15)
        let answerDays = answeredLate ? 6 + random.next(15) : random.next(6)
        let answered =
            state == .answered || state == .completed
            ? verified.addingTimeInterval(Self.workingDays(Double(answerDays)) + Double(random.next(8)) * 3_600) : nil
        let completedAt =
            state == .completed ? (answered ?? created).addingTimeInterval(Self.workingDays(Double(1 + random.next(10)))) : nil
        let rating: Rating? =
            state == .completed && chance(40)
            ? pick([
                Rating.verySatisfied, .verySatisfied, .satisfied, .satisfied, .satisfied, .fairlySatisfied, .fairlySatisfied, .notSatisfied,
            ]) : nil
        let bounced = reached && state != .verified && chance(4)
        let confidential = chance(5)

        // The clock: open reports are in triage or answer, green, yellow or red as their deadline stands now.
        var stage: SLAStage?, stageStart: Date?, due: Date?, yellow: Date?, light: TrafficLight?, held: Date?, nextCheck: Date?
        if !state.isClosed {
            if state == .answered {
                stage = .reply
                stageStart = answered
                due = answered!.addingTimeInterval(Self.workingDays(10))
            } else {
                stage = state == .received || state == .verified ? .triage : .answer
                stageStart = state == .dispatched || state == .onHold ? verified : created
                due = stageStart!.addingTimeInterval(Self.workingDays(stage == .triage ? 3 : 5))
            }
            yellow = due!.addingTimeInterval(-0.3 * due!.timeIntervalSince(stageStart!))
            light = due! < now ? .red : yellow! <= now ? .yellow : .green
            nextCheck =
                light == .green
                ? yellow : light == .yellow ? due!.addingTimeInterval(1) : now.addingTimeInterval(Double(1 + random.next(48)) * 3_600)
            if state == .onHold { held = verified.addingTimeInterval(Self.day) }
        }

        // Untargeted reports wait at the national level until someone sends them on.
        let sentOn = reached && state != .verified
        let holderNow = sentOn || !untargeted ? holder : SyntheticTree.Holder(id: root.id, path: root.path, regionID: nil)
        var report = SyntheticReport(
            id: id,
            facts: ReportTallies.Facts(
                id: id, holder_path: holderNow.path.encoded, created_at: created, province_id: tree.provinceOf[region], state: state,
                archive_reason: archive, sla_stage: stage, sla_light: light, held_at: held,
                first_answer_late: answered == nil ? nil : answeredLate, first_answer_working_days: answered == nil ? nil : answerDays,
                rating: rating, was_bounced: bounced))
        let isPublic = reached && !confidential
        report.values = [
            .int(id), .text(TrackingID.synthetic(UInt64(id)).value), .text(title), .word(classification), .int(original.0),
            .int(original.1), .text(body), .text(title), .word(classification), .int(category.main), .int(category.sub), .text("[]"),
            .int(region), .int(holderNow.id), .text(holderNow.path.encoded), .word(state), .bool(reached), .bool(false),
            .word(archive), .word(rating), .bool(chance(10)), .bool(confidential), .bool(isPublic), .word(channel),
            .text("\(pick(SyntheticText.names)) \(pick(SyntheticText.names))"), .text("08\(1_000_000_000 + random.next(899_999_999))"),
            .date(created), .date(completedAt ?? answered ?? verified), .date(reached ? verified : nil), .date(sentOn ? verified : nil),
            .date(answered), .date(completedAt), .date(state == .archived ? verified : nil), .date(rating == nil ? nil : completedAt),
            .word(stage), .date(stageStart), .date(due), .date(yellow), .word(light),
            .date(created.addingTimeInterval(60 * Self.day)), .date(held), .int(0), .date(nextCheck),
            .int(0), .int(1), .int(0), .int(0), .bool(answered == nil ? nil : answeredLate), .int(answered == nil ? nil : answerDays),
            .bool(bounced), .int(duplicateOf),
        ]

        // The history that took it there.
        let start = untargeted ? root.id : holder.id
        var current = (ReportState.received, start)
        func event(_ kind: EventKind, _ at: Date, _ to: (ReportState, Int64)) {
            report.events.append(SyntheticReport.Event(kind: kind, at: at, from: current, to: to))
            current = to
        }
        event(.submitted, created, current)
        report.route.append((start, untargeted ? root.path.encoded : holder.path.encoded))
        if state == .archived { event(.archive, verified, (.archived, start)) }
        if reached {
            event(.verify, verified, (.verified, start))
            if state != .verified {
                if bounced {
                    // Sent to the wrong place first, sent back as not ours, then on to the right one.
                    event(.dispatch, verified, (.dispatched, holder.id))
                    event(.notOurAuthority, verified, (.verified, root.id))
                    if start != root.id { report.route.append((root.id, root.path.encoded)) }
                }
                event(.dispatch, verified, (.dispatched, holder.id))
                if start != holder.id { report.route.append((holder.id, holder.path.encoded)) }
            }
            if state == .onHold, let held { event(.hold, held, (.onHold, holder.id)) }
            if let answered { event(.answer, answered, (.answered, holder.id)) }
            if let completedAt { event(.confirm, completedAt, (.completed, holder.id)) }
        }
        report.values[SyntheticReport.columnNames.firstIndex(of: "event_count")!] = .int(report.events.count)
        return report
    }
}
