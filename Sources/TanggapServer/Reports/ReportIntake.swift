import Crypto
import Fluent
import Foundation
import SQLKit
import TanggapCore

/// What the sender of a new report is told: the tracking ID, and the secret when they have no account.
struct SubmissionReceipt: Sendable {
    let reportID: Int64
    let trackingID: TrackingID
    let secret: String?
}

/// The receipt and the report as stored, for an answer that shows it without reading it back.
struct Submitted: Sendable {
    let receipt: SubmissionReceipt
    let report: ReportModel
    /// The names intake already looked up (the institution the report starts at), so the answer need not again.
    var names = NameBook()
}

/// Who sends a new report, as the server knows them.
enum SubmitterIdentity: Sendable {
    case visitor
    case user(SignedInUser)
    case channelGateway

    var core: Submitter {
        switch self {
        case .visitor: .visitor
        case .user(let user): .user(user.actor)
        case .channelGateway: .channelGateway
        }
    }
}

/// Takes in a new report from any surface: checks it, stores it with its first event and its files in one
/// transaction, and only then answers. An acknowledged report is in the database.
enum ReportIntake {
    /// The one way in. `replyAddress` is where a channel answers the reporter; `also` writes what must commit with
    /// the report (a channel's message record and its acknowledgement) in the same transaction. Returns the
    /// receipt and the report as stored, so an answer can show it without reading it back.
    static func submit(
        _ input: ReportSubmission, uploads: [Upload], from submitter: SubmitterIdentity, defaultChannel: Channel,
        replyAddress: String? = nil, also: (@Sendable (any Database, SubmissionReceipt) async throws -> Void)? = nil,
        context: TanggapContext, on db: any Database
    ) async throws -> Submitted {
        let now = context.clock.now()
        let today = LocalDate(now, in: context.settings.timeZone)

        var errors: [FieldError] = []
        var report: ValidReport?
        do { report = try Intake.validate(input, from: submitter.core, today: today, defaultChannel: defaultChannel) } catch {
            errors += error.errors
        }
        var checked: [CheckedUpload] = []
        do { checked = try PendingAttachments.check(uploads, limit: context.settings.attachmentLimitBytes) } catch {
            errors += error.errors
        }

        var check = FieldChecker()
        try await ReferenceChecks.category(input.categoryID, input.subcategoryID, into: &check, on: db)
        try await ReferenceChecks.region(input.regionID, into: &check, on: db)
        let target = try await ReferenceChecks.institution(input.targetInstitutionID, field: "target_institution_id", into: &check, on: db)
        errors += check.errors
        guard errors.isEmpty, let report else { throw ValidationFailure(errors) }
        // A report naming its institution starts there; the national level is looked up only for one that does not.
        let root = if target == nil { try await InstitutionDirectory.root(on: db) } else { target }
        guard let root else { throw APIError(status: .serviceUnavailable, code: "not_set_up") }

        let holder = Intake.initialHolder(target: target?.path, root: root.path)
        let owner = Intake.owner(of: submitter.core, channel: report.channel)
        let account: SignedInUser? = if case .user(let user) = submitter, user.id == owner { user } else { nil }
        var generator = SystemRandomNumberGenerator()
        let secret = owner == nil ? ReporterSecret.generate(using: &generator) : nil

        let clock = try await context.calendars.context(
            for: holder, classification: report.classification, isEscalated: false, now: now, on: db)
        let deadlines = SLAClock.received(at: now, clock)
        let files = try await PendingAttachments.write(checked, to: context.attachments)
        do {
            for _ in 0..<3 {
                let trackingID = TrackingID.generate(using: &generator)
                let actingUser: SignedInUser? = if case .user(let user) = submitter { user } else { nil }
                let model = ReportModel(report, trackingID: trackingID, holder: holder, owner: account, secret: secret, now: now)
                model.sla = deadlines
                model.replyAddress = replyAddress
                let event = ReportHistory.event(
                    kind: .submitted, to: 0, seq: 1, from: (.received, holder), to: (.received, holder),
                    actor: actingUser.map { .user(id: $0.id, institutionID: $0.institutionID) } ?? .reporter, channel: report.channel,
                    audience: .public, note: nil, details: EventDetails(dueAt: deadlines.stageDueAt), now: now)
                let tallies = try await ReportTallies.contribution(of: model, zone: context.settings.timeZone, on: db)
                let new = NewReport(
                    report: model, trackingID: trackingID, event: event, holder: holder, tallies: tallies, files: files, secret: secret,
                    also: also, now: now)
                do {
                    var stored = try await db.groupedWrite(new, through: context.commits)
                    stored.names.institutions[root.id] = root.name
                    ServerMetrics.reportReceived(channel: report.channel, classification: report.classification)
                    return stored
                } catch  where (error as? any DatabaseError)?.isConstraintFailure == true {
                    // Two reports drew the same tracking ID: draw again. Any other constraint is a real error.
                    if try await ReportModel.query(on: db).filter(\.$trackingID == trackingID).count() == 0 { throw error }
                }
            }
            throw APIError(status: .serviceUnavailable, code: "internal_error")
        } catch {
            await files.discard()
            throw error
        }
    }

    static func secretDigest(_ secret: String) -> String? {
        ReporterSecret.canonical(secret).map(APITokens.digest)
    }
}

extension ReportModel {
    convenience init(
        _ report: ValidReport, trackingID: TrackingID, holder: InstitutionPath, owner: SignedInUser?, secret: String?, now: Date
    ) {
        self.init()
        self.trackingID = trackingID
        self.secretDigest = secret.flatMap(ReportIntake.secretDigest)
        originalTitle = report.title
        originalClassification = report.classification
        originalCategoryID = report.categoryID
        originalSubcategoryID = report.subcategoryID
        body = report.body
        title = report.title
        classification = report.classification
        categoryID = report.categoryID
        subcategoryID = report.subcategoryID
        tags = JSONText([])
        // Unknown stays unknown: a missing event date is not quietly replaced by the day of receipt.
        eventDate = report.eventDate?.iso
        locationText = report.locationText
        regionID = report.regionID
        latitude = report.coordinates?.latitude
        longitude = report.coordinates?.longitude
        targetInstitutionID = report.targetInstitutionID
        holderID = holder.institutionID
        holderPath = holder.encoded
        state = .received
        isVerified = false
        isEscalated = false
        isAnonymous = report.isAnonymous
        isConfidential = report.isConfidential
        isPublic = false
        channel = report.channel
        record(
            reporter: ReporterIdentity(
                name: report.reporterName ?? owner?.name, email: report.reporterEmail ?? owner?.email, phone: report.reporterPhone,
                userID: owner?.id))
        createdAt = now
        updatedAt = now
        ladderRung = 0
        eventCount = 1
        version = 1
        wasBounced = false
        supportCount = 0
        commentCount = 0
    }
}
