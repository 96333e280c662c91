import Fluent
import Foundation
import TanggapCore

final class ReportEventModel: Model, @unchecked Sendable {
    static let schema = "report_events"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @Field(key: "report_id") var reportID: Int64
    @Field(key: "seq") var seq: Int
    @Field(key: "kind") var kind: EventKind
    @Field(key: "at") var at: Date
    @Field(key: "actor_kind") var actorKind: String
    @OptionalField(key: "actor_user_id") var actorUserID: Int64?
    @OptionalField(key: "actor_institution_id") var actorInstitutionID: Int64?
    @Field(key: "from_state") var fromState: ReportState
    @Field(key: "to_state") var toState: ReportState
    @Field(key: "from_institution_id") var fromInstitutionID: Int64
    @Field(key: "to_institution_id") var toInstitutionID: Int64
    @OptionalField(key: "note") var note: String?
    @Field(key: "channel") var channel: TanggapCore.Channel
    @Field(key: "audience") var audience: EventAudience
    @OptionalField(key: "details") var details: String?

    init() {}
}

final class AttachmentModel: Model, @unchecked Sendable {
    static let schema = "attachments"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @Field(key: "report_id") var reportID: Int64
    @OptionalField(key: "event_id") var eventID: Int64?
    @Field(key: "public_id") var publicID: String
    @Field(key: "storage_key") var storageKey: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "kind") var kind: AttachmentKind
    @Field(key: "size") var size: Int64
    @Field(key: "sha256") var sha256: String
    @Field(key: "audience") var audience: EventAudience
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

final class CorrectionModel: Model, @unchecked Sendable {
    static let schema = "report_corrections"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @Field(key: "report_id") var reportID: Int64
    @Field(key: "event_id") var eventID: Int64
    @OptionalField(key: "user_id") var userID: Int64?
    @OptionalField(key: "title") var title: String?
    @OptionalField(key: "classification") var classification: Classification?
    @OptionalField(key: "category_id") var categoryID: Int64?
    @OptionalField(key: "subcategory_id") var subcategoryID: Int64?
    @OptionalField(key: "tags") var tags: JSONText<[String]>?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
