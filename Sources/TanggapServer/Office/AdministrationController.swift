import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// `/kelola/admin`: an institution admin runs their part of the tree — units, people and their roles, reply
/// templates, local days off — and a national admin also the taxonomy. Every change is written to the
/// administrative record in the same transaction, and the page shows the newest entries.
enum AdministrationController {
    static func register(_ pages: any RoutesBuilder) {
        pages.get("kelola", "admin", use: page)
        pages.post("kelola", "admin", "unit", use: addUnit)
        pages.post("kelola", "admin", "undang", use: invite)
        pages.post("kelola", "admin", "nonaktif", ":user_id", use: deactivate)
        pages.post("kelola", "admin", "dua-langkah", ":user_id", use: resetSecondFactor)
        pages.post("kelola", "admin", "templat", use: addTemplate)
        pages.post("kelola", "admin", "libur", use: addHoliday)
        pages.post("kelola", "admin", "kategori", use: addCategory)
        Open311KeysPage.register(pages)
    }

    struct Member: Decodable, Encodable {
        let id: Int64
        let name: String
        let email: String
        let role: String
        let institution: String
        let is_active: Bool
        let has_second_factor: Bool
        /// Whether this admin may deactivate the account or reset its second factor (`mayManageAccount`).
        var may_manage: Bool? = nil
    }
    struct Line: Encodable {
        let title: String
        let detail: String
    }

    struct Page: Encodable {
        let institutionID: Int64
        let institution: String
        let units: [Line]?
        let people: [Member]?
        let places: [Choice]
        let roles: [Choice]
        let templates: [Line]?
        let holidays: [Line]?
        let kinds: [Choice]
        let isNational: Bool
        let categories: [Choice]
        let audit: [Line]?
        let reveals: [Line]?
        /// For national admins: each federation peer and the health of its link.
        let peers: [Line]?
        /// For national admins: the Open311 apps and their keys (`Open311KeysPage`).
        let apps: [Open311KeysPage.App]?
        /// For national admins: the bodies' Open311 systems reports are dispatched to, and their health.
        let endpoints: [Line]?
        let feedback: FormFeedback
        let notice: String?
    }

    /// The admin and the institution they manage here; only those who may configure it get in.
    @Sendable static func page(_ req: Request) async throws -> Response {
        guard let (user, institution) = try await req.managedInstitution() else { return req.seeOther("/masuk?next=/kelola/admin") }
        let notice = (try? req.query.get(String.self, at: "selesai")).map { req.text("admin.done.\($0)") }
        return try await req.renderPage("kelola/admin", try await build(user, institution, notice: notice, on: req))
    }

    static func build(
        _ user: SignedInUser, _ institution: Institution, feedback: FormFeedback = .none, notice: String? = nil, on req: Request
    ) async throws -> Page {
        let units = try await InstitutionModel.query(on: req.db).filter(\.$parentID == institution.id).sort(\.$name).all()
        let people = try await req.db.sql.raw(
            """
            SELECT u.id, u.name, u.email, g.role, i.name AS institution, u.is_active,
                EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL) AS has_second_factor
            FROM users u JOIN role_grants g ON g.user_id = u.id JOIN institutions i ON i.id = g.institution_id
            WHERE i.path LIKE \(bind: institution.path.encoded + "%") ORDER BY i.path, u.name LIMIT 500
            """
        ).all(decoding: Member.self)
        let memberGrants = try await AccountService.grants(of: Array(Set(people.map(\.id))), on: req.db)
        let grantable: [Role] = [.institutionAdmin, .liaisonOfficer, .technicalOfficer, .operator]
        let today = LocalDate(req.now, in: req.tanggap.settings.timeZone)
        let holidays = try await HolidayStore.list(
            institutionID: institution.id, from: today.adding(days: -366), to: today.adding(days: 730), on: req.db)
        let isNational = user.grants.contains { $0.role == .nationalAdmin }
        return Page(
            institutionID: institution.id, institution: institution.name,
            units: units.map { Line(title: $0.name, detail: req.text("kind.\($0.kind)")) }.nilIfEmpty,
            people: people.map {
                // Offered only where the core's rule allows it: never one's own, never someone who also works elsewhere.
                let member = UserActor(id: $0.id, grants: memberGrants[$0.id] ?? [])
                return Member(
                    id: $0.id, name: $0.name, email: $0.email, role: req.text("role.\($0.role)"), institution: $0.institution,
                    is_active: $0.is_active, has_second_factor: $0.has_second_factor,
                    may_manage: AdministrationPolicy.mayManageAccount(of: member, at: institution.path, by: user.actor))
            }.nilIfEmpty,
            places: try await Workplace.institutions(of: user, on: req).map {
                Choice(String($0.id), $0.name, selected: $0.id == institution.id)
            },
            roles: grantable.map { Choice($0.rawValue, req.label($0)) },
            templates: try await ReplyTemplates.available(for: institution.path, on: req.db)
                .filter { $0.institution_id == institution.id }.map { Line(title: $0.title, detail: $0.body) }.nilIfEmpty,
            holidays: holidays.map { Line(title: $0.date, detail: $0.name) }.nilIfEmpty,
            kinds: institution.kind.kindsBelow.map { Choice($0.rawValue, req.text("kind.\($0.rawValue)")) },
            isNational: isNational,
            categories: isNational ? try await PortalChoices.categories(selected: nil, on: req) : [],
            audit: try await AdminAudit.recent(under: institution.path, on: req.db).map { entry in
                Line(
                    title: "\(DisplayFormat.dateTime(entry.at, req)) · \(entry.actor ?? "Tanggap") · \(entry.institution ?? "")",
                    detail: "\(req.text("admin.action.\(entry.action)")): \(entry.details)")
            }.nilIfEmpty,
            reveals: try await IdentityReveals.recent(under: institution.path, on: req.db).map { entry in
                Line(
                    title: [
                        DisplayFormat.dateTime(entry.at, req), entry.person, req.label(entry.role), entry.trackingID.display,
                        entry.institution,
                    ]
                    .joined(separator: " · "),
                    detail: entry.reason)
            }.nilIfEmpty,
            peers: isNational ? try await peerLines(on: req) : nil,
            apps: isNational ? try await Open311KeysPage.apps(on: req) : nil,
            endpoints: isNational ? try await Open311KeysPage.endpoints(on: req).nilIfEmpty : nil,
            feedback: feedback, notice: notice)
    }

    /// One line per peer: who, its state and fingerprint, then its queue (events waiting, the oldest one's time, those
    /// given up), when the link last worked each way, and its last error.
    private static func peerLines(on req: Request) async throws -> [Line]? {
        try await Peers.list(on: req.db).map { peer in
            let never = req.text("admin.peer_never")
            var health = [
                req.text(
                    "admin.peer_queue",
                    [
                        "queued": String(peer.queued ?? 0), "dead": String(peer.deadLetters ?? 0),
                        "oldest": peer.oldestQueuedAt.map { DisplayFormat.dateTime($0, req) } ?? "–",
                    ]),
                req.text("admin.peer_received", ["at": peer.lastReceivedAt.map { DisplayFormat.dateTime($0, req) } ?? never]),
                req.text("admin.peer_delivered", ["at": peer.lastDeliveredAt.map { DisplayFormat.dateTime($0, req) } ?? never]),
            ]
            if let error = peer.lastError, let at = peer.lastErrorAt {
                health.append(req.text("admin.peer_error", ["at": DisplayFormat.dateTime(at, req), "error": error]))
            }
            return Line(
                title: [peer.name, peer.baseURL, req.text("admin.peer_status.\(peer.status)"), peer.fingerprint].joined(separator: " · "),
                detail: health.joined(separator: " · "))
        }.nilIfEmpty
    }

    /// Runs a change with its record in one transaction, then back to the page (or the page with what to fix).
    static func change(
        _ req: Request, _ done: String,
        _ work: @escaping @Sendable (SignedInUser, Institution, any Database) async throws -> Void
    ) async throws -> Response {
        try CSRF.verify(req)
        guard let (user, institution) = try await req.managedInstitution() else { return req.seeOther("/masuk?next=/kelola/admin") }
        return try await req.handlingForm {
            try await req.db.writeTransaction { db in try await work(user, institution, db) }
            return req.seeOther("/kelola/admin?instansi=\(institution.id)&selesai=\(done)")
        } refused: { feedback, status in
            try await req.renderPage("kelola/admin", try await build(user, institution, feedback: feedback, on: req), status: status)
        }
    }

    struct NewUnit: Content {
        var name: String?
        var kind: String?
    }

    @Sendable static func addUnit(_ req: Request) async throws -> Response {
        let input = try req.content.decode(NewUnit.self)
        let now = req.now
        return try await change(req, "unit") { user, institution, db in
            var check = FieldChecker()
            let name = check.requiredText(input.name, field: "name", limits: TextLimits.name)
            let kind = input.kind.flatMap(InstitutionKind.init(rawValue:)).flatMap { institution.kind.kindsBelow.contains($0) ? $0 : nil }
            if kind == nil { check.add("kind", .invalid) }
            try check.finish()
            let unit = try await InstitutionDirectory.create(name: name!, kind: kind!, under: institution, now: now, on: db)
            try await AdminAudit.record(
                "unit_created", ["name": unit.name, "id": String(unit.id)], by: user.id, at: institution.id, now: now, on: db)
        }
    }

    struct Invitation: Content {
        var name: String?
        var email: String?
        var role: String?
        var institution_id: String?
    }

    /// A new colleague: an account with a one-time password shown once, to pass on by hand or phone.
    @Sendable static func invite(_ req: Request) async throws -> Response {
        try CSRF.verify(req)
        guard let (user, institution) = try await req.managedInstitution() else { return req.seeOther("/masuk?next=/kelola/admin") }
        let input = try req.content.decode(Invitation.self)
        return try await req.handlingForm {
            guard let role = input.role.flatMap(Role.init(rawValue:)) else { throw APIError.field("role", .invalid) }
            guard let placeID = input.institution_id.flatMap({ Int64($0) }),
                let place = try await InstitutionDirectory.find(placeID, on: req.db),
                place.path.isWithin(institution.path), AdministrationPolicy.mayGrant(role, on: place.path, by: user.actor)
            else { throw APIError.field("institution_id", .notAllowed) }
            let password = DemoSeeder.randomPassword() + "-" + DemoSeeder.randomPassword().prefix(4)
            // The account and its record commit together (an invitation is rare; the hashing inside may hold the lock).
            let (cost, now) = (req.tanggap.settings.bcryptCost, req.now)
            let created = try await req.db.writeTransaction { db in
                let created = try await AccountService.create(
                    .init(name: input.name, email: input.email, password: password, institutionID: place.id, roles: [(role, place.id)]),
                    bcryptCost: cost, now: now, on: db)
                try await AdminAudit.record(
                    "user_invited", ["email": created.email, "role": role.rawValue, "institution": place.name],
                    by: user.id, at: place.id, now: now, on: db)
                return created
            }
            let notice = req.text("admin.invited", ["email": created.email, "password": password])
            return try await req.renderPage("kelola/admin", try await build(user, institution, notice: notice, on: req), status: .created)
        } refused: { feedback, status in
            try await req.renderPage("kelola/admin", try await build(user, institution, feedback: feedback, on: req), status: status)
        }
    }

    /// The account a change is made to, once `AdministrationPolicy.mayManageAccount` allows it.
    private static func managedMember(
        _ targetID: Int64, by user: SignedInUser, under institution: Institution, on db: any Database
    )
        async throws -> UserModel
    {
        let member = UserActor(id: targetID, grants: try await AccountService.grants(of: targetID, on: db))
        guard AdministrationPolicy.mayManageAccount(of: member, at: institution.path, by: user.actor),
            let target = try await UserModel.find(targetID, on: db)
        else { throw APIError.forbidden }
        return target
    }

    /// Someone leaves: their account stops working at once, sessions and tokens included.
    @Sendable static func deactivate(_ req: Request) async throws -> Response {
        guard let targetID = req.parameters.get("user_id", as: Int64.self) else { throw APIError.notFound }
        let now = req.now
        return try await change(req, "deactivated") { user, institution, db in
            let target = try await managedMember(targetID, by: user, under: institution, on: db)
            target.isActive = false
            try await target.update(on: db)
            try await AccountService.endEverySignIn(of: targetID, now: now, on: db)
            try await AdminAudit.record("user_deactivated", ["email": target.email], by: user.id, at: institution.id, now: now, on: db)
        }
    }

    /// A lost or stolen phone: the person's second factor is forgotten and every sign-in of theirs ends, so they
    /// enrol a new one with their password at the next sign-in.
    @Sendable static func resetSecondFactor(_ req: Request) async throws -> Response {
        guard let targetID = req.parameters.get("user_id", as: Int64.self) else { throw APIError.notFound }
        let now = req.now
        return try await change(req, "second_factor_reset") { user, institution, db in
            let target = try await managedMember(targetID, by: user, under: institution, on: db)
            try await SecondFactors.remove(targetID, on: db)
            try await AccountService.endEverySignIn(of: targetID, now: now, on: db)
            try await AdminAudit.record("second_factor_reset", ["email": target.email], by: user.id, at: institution.id, now: now, on: db)
        }
    }

    struct NewTemplate: Content {
        var title: String?
        var body: String?
    }

    @Sendable static func addTemplate(_ req: Request) async throws -> Response {
        let input = try req.content.decode(NewTemplate.self)
        let now = req.now
        return try await change(req, "template") { user, institution, db in
            try await ReplyTemplates.add(title: input.title, body: input.body, to: institution.id, now: now, on: db)
            try await AdminAudit.record("template_added", ["title": input.title ?? ""], by: user.id, at: institution.id, now: now, on: db)
        }
    }

    struct NewHoliday: Content {
        var date: String?
        var name: String?
    }

    @Sendable static func addHoliday(_ req: Request) async throws -> Response {
        let input = try req.content.decode(NewHoliday.self)
        let now = req.now
        let response = try await change(req, "holiday") { user, institution, db in
            var check = FieldChecker()
            let date = input.date.flatMap(LocalDate.init(iso:))
            if date == nil { check.add("date", input.date == nil ? .required : .invalid) }
            let name = check.requiredText(input.name, field: "name", limits: TextLimits.name)
            try check.finish()
            _ = try await HolidayStore.upsert(
                Holiday(date: date!, name: name!, kind: .local), institutionID: institution.id, now: now, on: db)
            try await AdminAudit.record(
                "holiday_added", ["date": date!.iso, "name": name!], by: user.id, at: institution.id, now: now, on: db)
        }
        req.tanggap.calendars.clear()
        return response
    }

    struct NewCategory: Content {
        var name: String?
        var parent_id: String?
    }

    @Sendable static func addCategory(_ req: Request) async throws -> Response {
        let input = try req.content.decode(NewCategory.self)
        let now = req.now
        return try await change(req, "category") { user, institution, db in
            guard user.grants.contains(where: { $0.role == .nationalAdmin }) else { throw APIError.forbidden }
            var check = FieldChecker()
            let name = check.requiredText(input.name, field: "category_name", limits: TextLimits.name)
            try check.finish()
            let parent = input.parent_id.flatMap { Int64($0) }
            let category = CategoryModel(parentID: parent, name: name!.uppercased())
            try await category.create(on: db)
            try await AdminAudit.record("category_added", ["name": category.name], by: user.id, at: institution.id, now: now, on: db)
        }
    }
}
