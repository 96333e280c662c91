import Fluent
import Foundation
import SQLKit
import Synchronization
import TanggapCore
import Vapor

/// People: creating accounts, checking passwords, loading who someone is and what they were granted.
enum AccountService {
    struct NewUser: Sendable {
        var name: String?
        var email: String?
        var password: String?
        var phone: String?
        var institutionID: Int64?
        var roles: [(Role, Int64)] = []
    }

    /// Creates an account after checking every field; staff get their grants in the same transaction.
    static func create(_ input: NewUser, bcryptCost: Int, now: Date, on db: any Database) async throws -> SignedInUser {
        var check = FieldChecker()
        let name = check.requiredText(input.name, field: "name", limits: TextLimits.name)
        let email = input.email.flatMap(ContactRules.email)
        if input.email == nil || input.email!.isEmpty {
            check.add("email", .required)
        } else if email == nil {
            check.add("email", .invalid)
        }
        var phone: String?
        if let raw = input.phone, !raw.isEmpty {
            phone = ContactRules.phone(raw)
            if phone == nil { check.add("phone", .invalid) }
        }
        for error in PasswordRules.check(input.password, email: email) { check.add(error.field, error.code, limit: error.limit) }
        try check.finish()
        if try await UserModel.query(on: db).filter(\.$email == email!).first() != nil { throw APIError.emailTaken }

        let hash = try Bcrypt.hash(input.password!, cost: bcryptCost)
        let cleanPhone = phone
        let userID: Int64 = try await db.transaction { db in
            let user = UserModel()
            user.name = name!
            user.email = email!
            user.phone = cleanPhone
            user.passwordHash = hash
            user.institutionID = input.institutionID
            user.isActive = true
            user.failedSignIns = 0
            user.createdAt = now
            try await user.create(on: db)
            for (role, institutionID) in input.roles {
                try await RoleGrantModel(userID: user.id!, role: role, institutionID: institutionID, at: now).create(on: db)
            }
            return user.id!
        }
        return try await signedInUser(id: userID, on: db)!
    }

    /// A dummy hash compared when no account matches, made at the cost real passwords are hashed at, so a wrong
    /// e-mail takes as long as a wrong password and sign-in timing tells nobody which e-mails have accounts.
    static func decoyHash(cost: Int) -> String {
        decoys.withLock { decoys in
            if let known = decoys[cost] { return known }
            let made = try! Bcrypt.hash("decoy-password-never-matches", cost: cost)
            decoys[cost] = made
            return made
        }
    }
    private static let decoys = Mutex<[Int: String]>([:])

    static func authenticate(
        email rawEmail: String?, password: String?, bcryptCost: Int, now: Date, on db: any Database
    ) async throws -> SignedInUser {
        guard let rawEmail, let password, !password.isEmpty, password.utf8.count <= 200,
            let email = ContactRules.email(rawEmail)
        else { throw APIError.invalidCredentials }
        let user = try await UserModel.query(on: db).filter(\.$email == email).first()
        guard let user, user.isActive else {
            _ = try? Bcrypt.verify(password, created: decoyHash(cost: bcryptCost))
            throw APIError.invalidCredentials
        }
        // While the account waits out its failures, no password is even looked at.
        try SignInGuard.refuseWhileWaiting(until: user.lockedUntil, now: now)
        guard (try? Bcrypt.verify(password, created: user.passwordHash)) == true else {
            throw try await SignInGuard.failed(user.id!, now: now, on: db) ?? APIError.invalidCredentials
        }
        user.lastLoginAt = now
        try await user.update(on: db)
        let signedIn = try await signedInUser(id: user.id!, on: db)!
        // With a second factor, the sign-in is right only once the code is.
        if !signedIn.hasSecondFactor { try await SignInGuard.succeeded(signedIn.id, on: db) }
        return signedIn
    }

    /// Replaces a password after checking the current one; every sign-in of the account ends with it, API tokens
    /// included: whoever knew the old password may have made one.
    static func changePassword(
        of userID: Int64, current: String?, new password: String?, bcryptCost: Int, now: Date, on db: any Database
    ) async throws {
        guard let user = try await UserModel.find(userID, on: db), user.isActive else { throw APIError.authenticationRequired }
        try await confirmPassword(current, of: user, field: "current_password", now: now, on: db)
        var check = FieldChecker()
        for error in PasswordRules.check(password, email: user.email) { check.add(error.field, error.code, limit: error.limit) }
        try check.finish()
        user.passwordHash = try Bcrypt.hash(password!, cost: bcryptCost)
        try await db.transaction { db in
            try await user.update(on: db)
            try await endEverySignIn(of: userID, now: now, on: db)
            try await AccountNotices.enqueue(.init(userID: userID, kind: .passwordChanged, at: now), on: db)
        }
    }

    /// Asks a signed-in person for their password again before a change that a session left open must not be enough
    /// for; a wrong one counts against the account like a wrong sign-in, and is that field's error.
    static func confirmPassword(_ typed: String?, of user: UserModel, field: String, now: Date, on db: any Database) async throws {
        try SignInGuard.refuseWhileWaiting(until: user.lockedUntil, now: now)
        guard let typed, !typed.isEmpty, typed.utf8.count <= 200, (try? Bcrypt.verify(typed, created: user.passwordHash)) == true else {
            throw try await SignInGuard.failed(user.id!, now: now, on: db) ?? APIError.field(field, .invalid)
        }
    }

    /// Ends every web session and revokes every API token of an account (a changed password, a deactivation), in
    /// the caller's transaction.
    static func endEverySignIn(of userID: Int64, now: Date, on db: any Database) async throws {
        try await db.sql.delete(from: "web_sessions").where("user_id", .equal, userID).run()
        try await db.sql.update("api_tokens").set("revoked_at", to: now)
            .where("user_id", .equal, userID).where("revoked_at", .is, SQLLiteral.null).run()
    }

    /// The active user with this id and their grants, or nil.
    static func signedInUser(id: Int64, on db: any Database) async throws -> SignedInUser? {
        guard let user = try await UserModel.find(id, on: db), user.isActive else { return nil }
        return SignedInUser(
            id: id, name: user.name, email: user.email, institutionID: user.institutionID,
            grants: try await grants(of: id, on: db), hasSecondFactor: try await SecondFactors.isEnrolled(id, on: db))
    }

    static func grants(of userID: Int64, on db: any Database) async throws -> [RoleGrant] {
        try await grants(of: [userID], on: db)[userID] ?? []
    }

    /// The grants of many people at once, by person (a list of colleagues).
    static func grants(of userIDs: [Int64], on db: any Database) async throws -> [Int64: [RoleGrant]] {
        struct StoredGrant: Decodable {
            let user_id: Int64
            let role: String
            let path: String
        }
        guard !userIDs.isEmpty else { return [:] }
        let rows = try await db.sql.raw(
            """
            SELECT g.user_id, g.role, i.path FROM role_grants g JOIN institutions i ON i.id = g.institution_id
            WHERE g.user_id IN (\(binds: userIDs)) ORDER BY g.id
            """
        ).all(decoding: StoredGrant.self)
        var grants: [Int64: [RoleGrant]] = [:]
        for row in rows {
            guard let role = Role(rawValue: row.role), let path = InstitutionPath(encoded: row.path) else { continue }
            grants[row.user_id, default: []].append(RoleGrant(role, on: path))
        }
        return grants
    }
}
