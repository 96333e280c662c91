import Fluent
import Foundation
import SQLKit
import TanggapCore

/// An institution's standard answers. An officer sees those of the report's holder and of every level above it.
enum ReplyTemplates {
    struct Template: Decodable, Sendable {
        let id: Int64
        let institution_id: Int64
        let title: String
        let body: String
    }

    static func available(for holder: InstitutionPath, on db: any Database) async throws -> [Template] {
        try await db.sql.select().columns("id", "institution_id", "title", "body").from("reply_templates")
            .where("institution_id", .in, holder.ids).orderBy("title").all(decoding: Template.self)
    }

    static func add(title: String?, body: String?, to institutionID: Int64, now: Date, on db: any Database) async throws {
        var check = FieldChecker()
        let title = check.requiredText(title, field: "title", limits: TextLimits.name)
        let body = check.requiredText(body, field: "body", limits: TextLimits.message, multiLine: true)
        try check.finish()
        try await db.sql.insert(into: "reply_templates").columns("institution_id", "title", "body", "created_at")
            .values(SQLBind(institutionID), SQLBind(title!), SQLBind(body!), SQLBind(now)).run()
    }
}
