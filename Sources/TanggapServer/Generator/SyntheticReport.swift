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
        "first_answer_late", "first_answer_working_days", "was_bounced",
    ]
}

/// The shapes of what people write: a problem, a place, how long, what it does to them.
enum SyntheticText {
    static let problems = [
        "Jalan berlubang", "Lampu penerangan jalan mati", "Sampah menumpuk", "Antrean pelayanan sangat lama",
        "Pungutan liar saat mengurus", "Saluran air tersumbat", "Banjir setiap hujan", "Pelayanan puskesmas tidak ramah",
        "Bantuan sosial tidak tepat sasaran", "KTP elektronik belum jadi", "Guru sering tidak hadir", "Air PDAM tidak mengalir",
        "Jembatan rusak", "Pohon tumbang belum ditangani", "Parkir liar", "Izin usaha dipersulit", "Obat di puskesmas kosong",
        "Trotoar dipakai pedagang", "Kebisingan pabrik malam hari", "Pencemaran sungai",
    ]
    static let places = [
        "depan pasar", "dekat sekolah dasar", "di jalan utama desa", "di kantor kecamatan", "di depan masjid", "di gang perumahan",
        "di terminal", "di dekat puskesmas", "di jalan provinsi", "di kelurahan kami",
    ]
    static let durations = ["sejak seminggu lalu", "sudah sebulan", "sejak awal tahun", "sudah tiga bulan", "berulang kali"]
    static let effects = [
        "Warga sangat terganggu dan khawatir terjadi kecelakaan.", "Anak-anak kesulitan berangkat sekolah.",
        "Kami sudah melapor ke kelurahan tetapi belum ada tindakan.", "Mohon segera ditindaklanjuti oleh instansi terkait.",
        "Banyak lansia yang dirugikan karena harus datang berkali-kali.", "Kami berharap ada petugas yang meninjau langsung.",
    ]
    static let names = [
        "Asep", "Siti", "Budi", "Dewi", "Rahmat", "Nur", "Agus", "Sri", "Joko", "Wati", "Made", "Yohanes", "Fitri", "Hendra",
    ]
}

/// Draws synthetic reports: most of the old ones completed, recent ones on their way, a long tail late.
struct SyntheticReportMaker {
    let tree: SyntheticTree
    let root: Institution
    let categories: [(main: Int64, sub: Int64?, name: String)]
    let now: Date
    let span: TimeInterval
    var random: DemoRandom

    static let day: TimeInterval = 86_400

    mutating func pick<T>(_ items: [T]) -> T { items[random.next(items.count)] }

    mutating func chance(_ percent: Int) -> Bool { random.next(1_000) < percent * 10 }

    /// Calendar time for working days (five in seven), close enough for synthetic deadlines.
    static func workingDays(_ days: Double) -> TimeInterval { days * 7 / 5 * day }

    /// The `index`th of `count` reports, received in order over the span (more lately: use grows).
    mutating func make(id: Int64, index: Int, of count: Int) -> SyntheticReport {
        let share = (Double(index) + Double(random.next(1_000)) / 1_000) / Double(max(count, 1))
        let created = now.addingTimeInterval(-span * (1 - share.squareRoot()))
        let age = now.timeIntervalSince(created) / Self.day
        let holder = pick(tree.holders)
        let untargeted = chance(30)
        let category = pick(categories)
        let problem = pick(SyntheticText.problems)
        let title = "\(problem) \(pick(SyntheticText.places))"
        let body =
            "\(problem) \(pick(SyntheticText.places)) \(pick(SyntheticText.durations)). Laporan tentang \(category.name.lowercased()). "
            + pick(SyntheticText.effects)
        let classification = chance(80) ? Classification.pengaduan : chance(75) ? .aspirasi : .permintaanInformasi
        let channel = pick([
            Channel.web, .web, .web, .web, .whatsapp, .whatsapp, .sms, .api, .email, .telegram, .socialMedia, .walkIn, .letter, .radio,
        ])
        let region = holder.regionID ?? pick(tree.regions)

        // How far it got: the older, the likelier done; a tail stays open and late.
        let done = age > 60 ? 94 : Int(min(90, age * 3))
        var state: ReportState
        var archive: ArchiveReason?
        let roll = random.next(100)
        if roll < 3 {
            state = .archived
            archive = pick([ArchiveReason.spam, .unclear, .duplicate, .outOfScope])
        } else if roll < done {
            state = chance(85) ? .completed : .answered
        } else {
            state = pick([ReportState.received, .verified, .dispatched, .dispatched, .dispatched, .onHold])
        }
        if state == .answered && age > 30 { state = .completed }

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
            .int(id), .text(TrackingID.synthetic(UInt64(id)).value), .text(title), .word(classification), .int(category.main),
            .int(category.sub), .text(body), .text(title), .word(classification), .int(category.main), .int(category.sub), .text("[]"),
            .int(region), .int(holderNow.id), .text(holderNow.path.encoded), .word(state), .bool(reached), .bool(false),
            .word(archive), .word(rating), .bool(chance(10)), .bool(confidential), .bool(isPublic), .word(channel),
            .text("\(pick(SyntheticText.names)) \(pick(SyntheticText.names))"), .text("08\(1_000_000_000 + random.next(899_999_999))"),
            .date(created), .date(completedAt ?? answered ?? verified), .date(reached ? verified : nil), .date(sentOn ? verified : nil),
            .date(answered), .date(completedAt), .date(state == .archived ? verified : nil), .date(rating == nil ? nil : completedAt),
            .word(stage), .date(stageStart), .date(due), .date(yellow), .word(light),
            .date(created.addingTimeInterval(60 * Self.day)), .date(held), .int(0), .date(nextCheck),
            .int(0), .int(1), .int(0), .int(0), .bool(answered == nil ? nil : answeredLate), .int(answered == nil ? nil : answerDays),
            .bool(bounced),
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
