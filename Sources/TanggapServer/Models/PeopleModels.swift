import Fluent
import Foundation
import TanggapCore

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @Field(key: "name") var name: String
    @Field(key: "email") var email: String
    @OptionalField(key: "phone") var phone: String?
    @Field(key: "password_hash") var passwordHash: String
    @OptionalField(key: "institution_id") var institutionID: Int64?
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?
    /// Failed sign-ins in a row, and until when the account waits because of them (see `SignInThrottle`).
    @Field(key: "failed_sign_ins") var failedSignIns: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?

    init() {}
}

final class RoleGrantModel: Model, @unchecked Sendable {
    static let schema = "role_grants"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @Field(key: "user_id") var userID: Int64
    @Field(key: "role") var role: Role
    @Field(key: "institution_id") var institutionID: Int64
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(userID: Int64, role: Role, institutionID: Int64, at date: Date) {
        self.userID = userID
        self.role = role
        self.institutionID = institutionID
        self.createdAt = date
    }
}

final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @Field(key: "user_id") var userID: Int64
    @Field(key: "public_id") var publicID: String
    @Field(key: "secret_digest") var secretDigest: String
    @OptionalField(key: "label") var label: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}
}
