import Fluent
import Foundation
import SQLKit
import TanggapCore

/// What a list of reports may be narrowed to.
struct ReportFilter: Hashable, Sendable {
    var states: [ReportState] = []
    /// Reports held anywhere in this institution's subtree.
    var institution: InstitutionPath?
    /// A category or a sub-category.
    var categoryID: Int64?
    var classification: Classification?
    var channel: Channel?
    var createdFrom: Date?
    var createdBefore: Date?
    /// Words in the title or the body.
    var text: String?
    var reporterUserID: Int64?
    var escalated: Bool?
    /// A region, or a province with everything in it.
    var regionID: Int64?
    /// Open reports past their stage's deadline (true), or open ones that are not (false).
    var late: Bool?
    /// Open reports whose stage falls due within this many days from now (and is not yet late).
    var dueWithinDays: Int?
    /// Reports held now somewhere in these subtrees (an inbox: where the work lies today, not where it passed).
    var heldWithin: [InstitutionPath] = []
    var assignee: AssigneeFilter?
    /// Reports that have not had a first answer yet.
    var neverAnswered: Bool?
    /// Only these reports (a search resolved once for several lists of the same reports).
    var ids: [Int64]?

    /// True when only open reports can pass: a search then needs only the open reports' index (`TextSearch.Index`).
    var admitsOnlyOpenReports: Bool { !states.isEmpty && states.allSatisfy(\.isOpen) }

    enum AssigneeFilter: Hashable, Sendable {
        case person(Int64)
        case nobody
        case personOrNobody(Int64)
    }
}

/// A page of a list: newest first unless asked otherwise, continued from the last id seen (keyset paging,
/// so page 1,000 costs what page 1 costs). `byDue` orders open work by its stage's deadline, soonest first,
/// continued from the last (deadline, id) seen.
struct PageRequest: Sendable {
    var limit: Int = 20
    var after: Int64?
    var oldestFirst = false
    var byDue = false
    var afterDue: Date?
}

/// Reads reports. Every list is confined to the viewer's `ListScope` in the query itself, and every row is
/// still passed through the visibility policy before it leaves.
enum ReportQueries {
    static func find(trackingID: TrackingID, on db: any Database) async throws -> ReportModel? {
        try await ReportModel.query(on: db).filter(\.$trackingID == trackingID).first()
    }

    /// `forced` runs a search by that plan whatever `searchPlan` would choose: tests run every plan on a small database.
    /// `plans`, when given, keeps the plan chosen for the next time the same search is asked (`SearchPlanMemory`).
    static func list(
        _ filter: ReportFilter, scope: ListScope, page: PageRequest, now: Date, plan forced: SearchPlan? = nil,
        remembering plans: SearchPlanMemory? = nil, on db: any Database
    ) async throws -> (reports: [ReportModel], more: Bool) {
        let plan =
            if let forced { forced } else { try await searchPlan(filter, scope: scope, now: now, for: page, remembering: plans, on: db) }
        let rows = try await paged(
            SQLColumn(SQLLiteral.all, table: SQLIdentifier("r")), filter, plan, scope: scope, page: page, now: now, on: db
        )
        .all(decodingFluent: ReportModel.self)
        return (Array(rows.prefix(page.limit)), rows.count > page.limit)
    }

    /// The same list with only `columns` of each report, as plain rows: for long lists that show a few fields,
    /// where decoding whole models would cost more than the query.
    static func list<Row: Decodable>(
        _ columns: [String], as _: Row.Type, _ filter: ReportFilter, scope: ListScope, page: PageRequest, now: Date,
        remembering plans: SearchPlanMemory? = nil, on db: any Database
    ) async throws -> (rows: [Row], more: Bool) {
        let selected = SQLList(columns.map { SQLColumn($0, table: "r") })
        let plan = try await searchPlan(filter, scope: scope, now: now, for: page, remembering: plans, on: db)
        let rows = try await paged(selected, filter, plan, scope: scope, page: page, now: now, on: db).all(decoding: Row.self)
        return (Array(rows.prefix(page.limit)), rows.count > page.limit)
    }

    /// The ids of the reports a list holds, all pages together, when there are no more than `limit`; nil when more.
    /// With `plans`, a search found to hold more is not gathered again while that is remembered.
    static func ids(
        _ filter: ReportFilter, scope: ListScope, now: Date, upTo limit: Int, remembering plans: SearchPlanMemory? = nil,
        on db: any Database
    ) async throws -> [Int64]? {
        struct ReportID: Decodable { let id: Int64 }
        let question = SearchPlanMemory.Question(filter: filter, scope: scope, need: limit, newestFirst: nil)
        if plans?.foundMany(question, now: now) == true { return nil }
        var page = PageRequest()
        page.limit = limit
        let (rows, more) = try await list(["id"], as: ReportID.self, filter, scope: scope, page: page, now: now, remembering: plans, on: db)
        if more { plans?.rememberFoundMany(question, now: now) }
        return more ? nil : rows.map(\.id)
    }

    /// One page of the list and the first row of the next (to tell whether there is more).
    private static func paged(
        _ columns: any SQLExpression, _ filter: ReportFilter, _ plan: SearchPlan, scope: ListScope, page: PageRequest, now: Date,
        on db: any Database
    ) -> SQLSelectBuilder {
        var query = filtered(columns, filter, plan, scope: scope, now: now, on: db)
        if page.byDue {
            let dueAt = deadline(filter, on: db)
            query = query.where(SQLRaw("\(dueAt) IS NOT NULL"))
            if let due = page.afterDue, let after = page.after {
                query = query.where(
                    SQLGroupExpression(
                        SQLQueryString(
                            "\(unsafeRaw: dueAt) > \(bind: due) OR (\(unsafeRaw: dueAt) = \(bind: due) AND r.id > \(bind: after))")))
            }
            query = query.orderBy(SQLOrderBy(expression: SQLRaw(dueAt), direction: SQLDirection.ascending))
                .orderBy(SQLOrderBy(expression: SQLColumn("id", table: "r"), direction: SQLDirection.ascending))
        } else {
            // The same id, named where the query reads it from first, so the order and the page boundary come from the index.
            let id =
                plan.indexNewestFirst != nil
                ? SQLColumn("rowid", table: TextSearch.Index.serving(filter).rawValue) : SQLColumn("id", table: "r")
            if let after = page.after {
                query = query.where(id, page.oldestFirst ? .greaterThan : .lessThan, SQLBind(after))
            }
            query = query.orderBy(
                SQLOrderBy(expression: id, direction: page.oldestFirst ? SQLDirection.ascending : SQLDirection.descending))
        }
        return query.limit(page.limit + 1)
    }

    /// How many reports a list would hold, all pages together.
    static func count(_ filter: ReportFilter, scope: ListScope, now: Date, on db: any Database) async throws -> Int {
        let count = SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n"))
        let plan = try await searchPlan(filter, scope: scope, now: now, on: db)
        return try await filtered(count, filter, plan, scope: scope, now: now, on: db).first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// How many, counting no further than `cap`: a count that stops once it is past what anyone reads exactly
    /// (an inbox tab says "1000+"), so it never walks a million rows.
    static func count(
        _ filter: ReportFilter, scope: ListScope, now: Date, upTo cap: Int, plan forced: SearchPlan? = nil,
        remembering plans: SearchPlanMemory? = nil, on db: any Database
    ) async throws -> Int {
        let plan =
            if let forced { forced } else {
                try await searchPlan(filter, scope: scope, now: now, need: cap, newestFirst: nil, remembering: plans, on: db)
            }
        var matching = filtered(SQLLiteral.numeric("1"), filter, plan, scope: scope, now: now, on: db).limit(cap)
        if let newestFirst = plan.indexNewestFirst {
            let id = SQLColumn("rowid", table: TextSearch.Index.serving(filter).rawValue)
            matching = matching.orderBy(
                SQLOrderBy(expression: id, direction: newestFirst ? SQLDirection.descending : SQLDirection.ascending))
        }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM (\(matching.query)) capped").first(decodingColumn: "n", as: Int.self) ?? 0
    }

    /// The reports table confined to the viewer's scope and narrowed by the filter.
    static func filtered(
        _ columns: any SQLExpression, _ filter: ReportFilter, _ plan: SearchPlan, scope: ListScope, now: Date, on db: any Database
    ) -> SQLSelectBuilder {
        let reports = SQLAlias(SQLIdentifier("reports"), as: SQLIdentifier("r"))
        var query = db.sql.select().column(columns)
        let index = TextSearch.Index.serving(filter)
        func indexLeading(_ words: [String]) -> SQLSelectBuilder {
            query.from(SQLIdentifier(index.rawValue))
                .join(reports, method: SQLJoinMethod.inner, on: SQLRaw("r.id = \(index.rawValue).rowid"))
                .where(TextSearch.match(words, serving: filter))
        }
        switch plan {
        case .indexLeads(let words, _):
            query = indexLeading(words)
        case .matchesFirst(let words):
            query = query.from(reports).where(TextSearch.condition(matching: words, serving: filter, column: "r", on: db))
        case .passingFirst(let words, _):
            // The other conditions are the collection's, so the query itself only checks each match against it
            // (the unary plus keeps SQLite from asking the index for each collected report instead).
            var others = filter
            others.text = nil
            let passing = filtered(SQLColumn("id", table: "r"), others, .none, scope: scope, now: now, on: db)
            return indexLeading(words).where(SQLQueryString("+\(ident: index.rawValue).rowid IN (\(passing.query))"))
        case .none:
            query = query.from(reports)
            if let text = filter.text, !text.isEmpty {
                query = query.where(TextSearch.condition(matching: SearchTerms.words(in: text), serving: filter, column: "r", on: db))
            }
        }
        if let ids = filter.ids {
            query = query.where(ids.isEmpty ? SQLRaw("1 = 0") : SQLQueryString("r.id IN \(SQLBind.group(ids))"))
        }
        // An inbox's reports held within the viewer's subtrees are in scope already: the route lookup per report
        // that the scope's condition costs made its counts read every report's row.
        if !scope.contains(heldWithin: filter.heldWithin), let confinement = confinement(scope, on: db) {
            query = query.where(confinement)
        }
        if !filter.states.isEmpty { query = query.where(SQLColumn("state", table: "r"), .in, SQLBind.group(filter.states.map(\.rawValue))) }
        if let path = filter.institution {
            query = query.where(Subtree.condition("r.holder_path", within: path, on: db))
        }
        if let category = filter.categoryID {
            query = query.where(
                SQLGroupExpression(SQLQueryString("r.category_id = \(bind: category) OR r.subcategory_id = \(bind: category)")))
        }
        if let classification = filter.classification {
            query = query.where(SQLColumn("classification", table: "r"), .equal, SQLBind(classification.rawValue))
        }
        if let channel = filter.channel { query = query.where(SQLColumn("channel", table: "r"), .equal, SQLBind(channel.rawValue)) }
        if let from = filter.createdFrom { query = query.where(SQLColumn("created_at", table: "r"), .greaterThanOrEqual, SQLBind(from)) }
        if let before = filter.createdBefore { query = query.where(SQLColumn("created_at", table: "r"), .lessThan, SQLBind(before)) }
        if let reporter = filter.reporterUserID {
            query = query.where(SQLColumn("reporter_user_id", table: "r"), .equal, SQLBind(reporter))
        }
        if let escalated = filter.escalated { query = query.where(SQLColumn("is_escalated", table: "r"), .equal, SQLBind(escalated)) }
        if let region = filter.regionID {
            // A province stands for its regencies and cities too.
            query = query.where(
                SQLGroupExpression(
                    SQLQueryString(
                        "r.region_id = \(bind: region) OR r.region_id IN (SELECT id FROM regions WHERE parent_id = \(bind: region))")))
        }
        // "Late" is the institution's lateness: a running triage or answer stage past its deadline, not on hold.
        let running = "r.sla_stage IN ('triage', 'answer') AND r.held_at IS NULL"
        let dueAt = deadline(filter, on: db)
        if let late = filter.late {
            query = query.where(
                SQLGroupExpression(
                    late
                        ? SQLQueryString("\(unsafeRaw: running) AND \(unsafeRaw: dueAt) < \(bind: now)")
                        : SQLQueryString("r.sla_stage IS NOT NULL AND NOT (\(unsafeRaw: running) AND \(unsafeRaw: dueAt) < \(bind: now))")))
        }
        if let days = filter.dueWithinDays {
            query = query.where(
                SQLGroupExpression(
                    SQLQueryString(
                        "\(unsafeRaw: running) AND \(unsafeRaw: dueAt) >= \(bind: now) AND \(unsafeRaw: dueAt) < \(bind: now.addingTimeInterval(Double(days) * 86_400))"
                    )))
        }
        if !filter.heldWithin.isEmpty {
            let paths = filter.heldWithin.map { Subtree.condition("r.holder_path", within: $0, on: db) }
            query = query.where(SQLGroupExpression(SQLList(paths, separator: SQLRaw(" OR "))))
        }
        switch filter.assignee {
        case .person(let id): query = query.where(SQLColumn("assignee_id", table: "r"), .equal, SQLBind(id))
        case .nobody: query = query.where(SQLColumn("assignee_id", table: "r"), .is, SQLLiteral.null)
        case .personOrNobody(let id):
            query = query.where(SQLGroupExpression(SQLQueryString("r.assignee_id = \(bind: id) OR r.assignee_id IS NULL")))
        case nil: break
        }
        if let never = filter.neverAnswered {
            query = query.where(SQLColumn("first_answered_at", table: "r"), never ? .is : .isNot, SQLLiteral.null)
        }
        return query
    }

    /// The stage deadline as the query names it (see `Subtree.keptOffItsIndex`).
    private static func deadline(_ filter: ReportFilter, on db: any Database) -> String {
        Subtree.keptOffItsIndex("r.stage_due_at", heldWithin: filter.heldWithin, on: db)
    }

    /// The viewer's list scope as a condition: published reports, their own, and those that passed through
    /// their subtrees. Nil when they may see everything.
    private static func confinement(_ scope: ListScope, on db: any Database) -> (any SQLExpression)? {
        guard !scope.everything else { return nil }
        var parts: [any SQLExpression] = []
        if scope.published { parts.append(SQLQueryString("r.is_public = \(bind: true)")) }
        if let reporter = scope.reporterUserID { parts.append(SQLQueryString("r.reporter_user_id = \(bind: reporter)")) }
        if !scope.subtrees.isEmpty {
            let paths = scope.subtrees.map { Subtree.condition("rr.path", within: $0, on: db) }
            parts.append(
                SQLQueryString(
                    "EXISTS (SELECT 1 FROM report_routes rr WHERE rr.report_id = r.id AND (\(SQLList(paths, separator: SQLRaw(" OR ")))))"))
        }
        guard !parts.isEmpty else { return SQLQueryString("1 = 0") }
        return SQLGroupExpression(SQLList(parts, separator: SQLRaw(" OR ")))
    }

    static func likeEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }

    static func attachments(of reportID: Int64, on db: any Database) async throws -> [AttachmentModel] {
        try await AttachmentModel.query(on: db).filter(\.$reportID == reportID).sort(\.$id).all()
    }

    static func corrections(of reportID: Int64, on db: any Database) async throws -> [CorrectionModel] {
        try await CorrectionModel.query(on: db).filter(\.$reportID == reportID).sort(\.$id).all()
    }
}
