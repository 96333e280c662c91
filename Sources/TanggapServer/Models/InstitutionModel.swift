import Fluent
import Foundation
import TanggapCore

final class InstitutionModel: Model, @unchecked Sendable {
    static let schema = "institutions"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @OptionalField(key: "parent_id") var parentID: Int64?
    @Field(key: "name") var name: String
    @OptionalField(key: "short_name") var shortName: String?
    @Field(key: "kind") var kind: String
    @OptionalField(key: "code") var code: String?
    @Field(key: "path") var path: String
    @Field(key: "depth") var depth: Int
    @OptionalField(key: "region_id") var regionID: Int64?
    @OptionalField(key: "time_zone") var timeZone: String?
    @OptionalField(key: "working_weekdays") var workingWeekdays: String?
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var institutionPath: InstitutionPath { InstitutionPath(encoded: path)! }

    var record: Institution {
        Institution(
            id: id!, parentID: parentID, name: name, shortName: shortName, kind: InstitutionKind(rawValue: kind) ?? .unit,
            code: code, path: institutionPath, regionID: regionID, timeZone: timeZone, isActive: isActive)
    }
}

/// An institution as the rest of the server sees it.
public struct Institution: Sendable, Hashable {
    public let id: Int64
    public let parentID: Int64?
    public let name: String
    public let shortName: String?
    public let kind: InstitutionKind
    public let code: String?
    public let path: InstitutionPath
    public let regionID: Int64?
    public let timeZone: String?
    public let isActive: Bool
}
