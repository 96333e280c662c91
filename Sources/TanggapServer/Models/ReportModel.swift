import Fluent
import Foundation
import TanggapCore

final class ReportModel: Model, @unchecked Sendable {
    static let schema = "reports"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @Field(key: "tracking_id") var trackingID: TrackingID
    @OptionalField(key: "secret_digest") var secretDigest: String?
    @Field(key: "original_title") var originalTitle: String
    @Field(key: "original_classification") var originalClassification: Classification
    @OptionalField(key: "original_category_id") var originalCategoryID: Int64?
    @OptionalField(key: "original_subcategory_id") var originalSubcategoryID: Int64?
    @Field(key: "body") var body: String
    @Field(key: "title") var title: String
    @Field(key: "classification") var classification: Classification
    @OptionalField(key: "category_id") var categoryID: Int64?
    @OptionalField(key: "subcategory_id") var subcategoryID: Int64?
    @Field(key: "tags") var tags: JSONText<[String]>
    @OptionalField(key: "event_date") var eventDate: String?
    @OptionalField(key: "location_text") var locationText: String?
    @OptionalField(key: "region_id") var regionID: Int64?
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @OptionalField(key: "target_institution_id") var targetInstitutionID: Int64?
    @Field(key: "holder_id") var holderID: Int64
    @Field(key: "holder_path") var holderPath: String
    @OptionalField(key: "assignee_id") var assigneeID: Int64?
    @Field(key: "state") var state: ReportState
    @OptionalField(key: "state_before_hold") var stateBeforeHold: ReportState?
    @Field(key: "is_verified") var isVerified: Bool
    @Field(key: "is_escalated") var isEscalated: Bool
    @OptionalField(key: "archive_reason") var archiveReason: ArchiveReason?
    @OptionalField(key: "duplicate_of_id") var duplicateOfID: Int64?
    @OptionalField(key: "rating") var rating: Rating?
    @Field(key: "is_anonymous") var isAnonymous: Bool
    @Field(key: "is_confidential") var isConfidential: Bool
    @Field(key: "is_public") var isPublic: Bool
    @Field(key: "channel") var channel: TanggapCore.Channel
    /// The reporter's account: the policy's to compare (a reporter sees their own report), never shown raw.
    @OptionalField(key: "reporter_user_id") var reporterUserID: Int64?
    // Who the reporter is: private, so no surface can read them without an access the policy decided
    // (`reporter(for:)`); the system reaches the addresses it sends to through `contacts`.
    @OptionalField(key: "reporter_name") private var reporterName: String?
    @OptionalField(key: "reporter_email") private var reporterEmail: String?
    @OptionalField(key: "reporter_phone") private var reporterPhone: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @OptionalField(key: "verified_at") var verifiedAt: Date?
    @OptionalField(key: "dispatched_at") var dispatchedAt: Date?
    @OptionalField(key: "first_answered_at") var firstAnsweredAt: Date?
    @OptionalField(key: "completed_at") var completedAt: Date?
    @OptionalField(key: "archived_at") var archivedAt: Date?
    @OptionalField(key: "escalated_at") var escalatedAt: Date?
    @OptionalField(key: "rated_at") var ratedAt: Date?
    /// When the reporter erased their account: the report stays, anonymous, and says so.
    @OptionalField(key: "reporter_erased_at") var reporterErasedAt: Date?
    @OptionalField(key: "sla_stage") var slaStage: SLAStage?
    @OptionalField(key: "stage_started_at") var stageStartedAt: Date?
    @OptionalField(key: "stage_due_at") var stageDueAt: Date?
    @OptionalField(key: "yellow_at") var yellowAt: Date?
    @OptionalField(key: "sla_light") var slaLight: TrafficLight?
    @OptionalField(key: "case_due_at") var caseDueAt: Date?
    @OptionalField(key: "held_at") var heldAt: Date?
    @Field(key: "ladder_rung") var ladderRung: Int
    @OptionalField(key: "sla_next_check_at") var slaNextCheckAt: Date?
    @Field(key: "event_count") var eventCount: Int
    @Field(key: "version") var version: Int
    @Field(key: "support_count") var supportCount: Int
    @Field(key: "comment_count") var commentCount: Int
    /// Whether the first answer came after its stage's deadline; nil until there is one.
    @OptionalField(key: "first_answer_late") var firstAnswerLate: Bool?
    /// Where to answer the reporter on their own channel: a phone number, a Telegram chat, an e-mail address.
    @OptionalField(key: "reply_address") var replyAddress: String?
    /// Sent back up as not-our-authority at least once (the dashboards' "bounced").
    @Field(key: "was_bounced") var wasBounced: Bool
    /// Working days from receipt to the first answer, in the holder's calendar at that moment.
    @OptionalField(key: "first_answer_working_days") var firstAnswerWorkingDays: Int?

    init() {}

    /// What the lifecycle rules need.
    var snapshot: ReportSnapshot {
        ReportSnapshot(
            id: id!, state: state, holder: InstitutionPath(encoded: holderPath)!, stateBeforeHold: stateBeforeHold,
            isVerified: isVerified, isEscalated: isEscalated, rating: rating, assigneeID: assigneeID,
            reporterUserID: reporterUserID, archiveReason: archiveReason, duplicateOfID: duplicateOfID,
            isHandedIn: channel == .federation)
    }

    /// The report's deadlines as the SLA clock sees them.
    var sla: SLAStatus {
        get {
            SLAStatus(
                stage: slaStage, stageStartedAt: stageStartedAt, stageDueAt: stageDueAt, yellowAt: yellowAt,
                light: slaLight, caseDueAt: caseDueAt,
                heldAt: heldAt, ladderRung: ladderRung, nextCheckAt: slaNextCheckAt)
        }
        set {
            slaStage = newValue.stage
            stageStartedAt = newValue.stageStartedAt
            stageDueAt = newValue.stageDueAt
            yellowAt = newValue.yellowAt
            slaLight = newValue.light
            caseDueAt = newValue.caseDueAt
            heldAt = newValue.heldAt
            ladderRung = newValue.ladderRung
            slaNextCheckAt = newValue.nextCheckAt
        }
    }

    /// What the visibility policy needs; `route` is every institution that has held the report.
    func privacy(route: [InstitutionPath], openedTo: Set<Int64> = []) -> PrivacyFacts {
        PrivacyFacts(
            isAnonymous: isAnonymous, isConfidential: isConfidential, isVerified: isVerified,
            archiveReason: archiveReason, reporterUserID: reporterUserID,
            route: route, openedTo: openedTo)
    }

    /// Writes the outcome of a transition onto the row, with the moments that mark each milestone.
    func apply(_ transition: Transition, holderID newHolderID: Int64, at now: Date) {
        let after = transition.after
        state = after.state
        stateBeforeHold = after.stateBeforeHold
        holderID = newHolderID
        holderPath = after.holder.encoded
        isVerified = after.isVerified
        isEscalated = after.isEscalated
        rating = after.rating
        assigneeID = after.assigneeID
        archiveReason = after.archiveReason
        duplicateOfID = after.duplicateOfID
        updatedAt = now
        isPublic = privacy(route: []).isPublished
        switch transition.kind {
        case .verify: verifiedAt = verifiedAt ?? now
        case .dispatch:
            dispatchedAt = now
            verifiedAt = verifiedAt ?? now
        case .answer: firstAnsweredAt = firstAnsweredAt ?? now
        case .confirm: completedAt = now
        case .archive: archivedAt = now
        case .escalate: escalatedAt = now
        case .rate: ratedAt = now
        case .reopen:
            completedAt = nil
            archivedAt = nil
            ratedAt = nil
        default: break
        }
    }
}

/// Who filed a report, as far as they told.
struct ReporterIdentity: Sendable, Equatable {
    var name: String?
    var email: String?
    var phone: String?
    var userID: Int64?
}

extension ReportModel {
    /// The one way to the reporter's identity: nil unless `access` (decided by `VisibilityPolicy`) sees it.
    func reporter(for access: ReportAccess) -> ReporterIdentity? {
        guard access.seesReporterIdentity else { return nil }
        return ReporterIdentity(name: reporterName, email: reporterEmail, phone: reporterPhone, userID: reporterUserID)
    }

    /// Writes who filed the report, at intake.
    func record(reporter: ReporterIdentity) {
        reporterUserID = reporter.userID
        reporterName = reporter.name
        reporterEmail = reporter.email
        reporterPhone = reporter.phone
    }

    /// The reporter's contacts, for the system's own messages to them and the channel rules; shown to nobody.
    var contacts: ChannelRules.Contacts {
        ChannelRules.Contacts(channel: channel, replyAddress: replyAddress, email: reporterEmail, phone: reporterPhone)
    }

    /// The only part of the reporter that crosses to another instance with a hand-over, when the rule lets it
    /// (`VisibilityPolicy.reporterNameCrossesToPeer`): their name. Contacts and channel stay at the origin.
    var nameForHandover: String? { VisibilityPolicy.reporterNameCrossesToPeer(isAnonymous: isAnonymous) ? reporterName : nil }

    /// `reporter_user_id, reporter_name, reporter_email, reporter_phone`, for the insert of a new row.
    var reporterColumnValues: [any Encodable & Sendable] { [reporterUserID, reporterName, reporterEmail, reporterPhone] }
}
