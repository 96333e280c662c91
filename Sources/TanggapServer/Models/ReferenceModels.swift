import Fluent
import Foundation

final class CategoryModel: Model, @unchecked Sendable {
    static let schema = "categories"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @OptionalField(key: "parent_id") var parentID: Int64?
    @Field(key: "name") var name: String
    @Field(key: "is_active") var isActive: Bool

    init() {}

    init(parentID: Int64?, name: String) {
        self.parentID = parentID
        self.name = name
        self.isActive = true
    }
}

final class RegionModel: Model, @unchecked Sendable {
    static let schema = "regions"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @OptionalField(key: "parent_id") var parentID: Int64?
    @Field(key: "name") var name: String
    @Field(key: "kind") var kind: String
    @OptionalField(key: "code") var code: String?
    @OptionalField(key: "seat") var seat: String?

    init() {}

    init(parentID: Int64?, name: String, kind: String, code: String?, seat: String?) {
        self.parentID = parentID
        self.name = name
        self.kind = kind
        self.code = code
        self.seat = seat
    }
}
