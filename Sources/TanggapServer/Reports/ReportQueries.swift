import Fluent
import Foundation
import SQLKit
import TanggapCore

/// What a list of reports may be narrowed to.
struct ReportFilter: Sendable {
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

    enum AssigneeFilter: Sendable {
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
        try await ReportModel.query(on: db).filter(\.$trackingID == trackingID.value).first()
    }

    /// `forced` runs a search by that plan whatever `searchPlan` would choose: tests run every plan on a small database.
    static func list(
        _ filter: ReportFilter, scope: ListScope, page: PageRequest, now: Date, plan forced: SearchPlan? = nil, on db: any Database
    ) async throws -> (reports: [ReportModel], more: Bool) {
        let plan = if let forced { forced } else { try await searchPlan(filter, scope: scope, now: now, for: page, on: db) }
        let rows = try await paged(SQLColumn(SQLLiteral.all, table: SQLIdentifier("r")), filter, plan, scope: scope, page: page, now: now, on: db)
            .all(decodingFluent: ReportModel.self)
        return (Array(rows.prefix(page.limit)), rows.count > page.limit)
    }

    /// The same list with only `columns` of each report, as plain rows: for long lists that show a few fields,
    /// where decoding whole models would cost more than the query.
    static func list<Row: Decodable>(
        _ columns: [String], as _: Row.Type, _ filter: ReportFilter, scope: ListScope, page: PageRequest, now: Date, on db: any Database
    ) async throws -> (rows: [Row], more: Bool) {
        let selected = SQLList(columns.map { SQLColumn($0, table: "r") })
        let plan = try await searchPlan(filter, scope: scope, now: now, for: page, on: db)
        let rows = try await paged(selected, filter, plan, scope: scope, page: page, now: now, on: db).all(decoding: Row.self)
        return (Array(rows.prefix(page.limit)), rows.count > page.limit)
    }

    /// The ids of the reports a list holds, all pages together, when there are no more than `limit`; nil when more.
    static func ids(_ filter: ReportFilter, scope: ListScope, now: Date, upTo limit: Int, on db: any Database) async throws -> [Int64]? {
        struct Row: Decodable { let id: Int64 }
        var page = PageRequest()
        page.limit = limit
        let (rows, more) = try await list(["id"], as: Row.self, filter, scope: scope, page: page, now: now, on: db)
        return more ? nil : rows.map(\.id)
    }

    /// One page of the list and the first row of the next (to tell whether there is more).
    private static func paged(
        _ columns: any SQLExpression, _ filter: ReportFilter, _ plan: SearchPlan, scope: ListScope, page: PageRequest, now: Date, on db: any Database
    ) -> SQLSelectBuilder {
        var query = filtered(columns, filter, plan, scope: scope, now: now, on: db)
        if page.byDue {
            let dueAt = deadline(filter, on: db)
            query = query.where(SQLRaw("\(dueAt) IS NOT NULL"))
            if let due = page.afterDue, let after = page.after {
                query = query.where(SQLGroupExpression(SQLQueryString(
                    "\(unsafeRaw: dueAt) > \(bind: due) OR (\(unsafeRaw: dueAt) = \(bind: due) AND r.id > \(bind: after))")))
            }
            query = query.orderBy(SQLOrderBy(expression: SQLRaw(dueAt), direction: SQLDirection.ascending))
                .orderBy(SQLOrderBy(expression: SQLColumn("id", table: "r"), direction: SQLDirection.ascending))
        } else {
            // The same id, named where the query reads it from first, so the order and the page boundary come from the index.
            let id = plan.indexNewestFirst != nil ? SQLColumn("rowid", table: TextSearch.Index.serving(filter).rawValue) : SQLColumn("id", table: "r")
            if let after = page.after {
                query = query.where(id, page.oldestFirst ? .greaterThan : .lessThan, SQLBind(after))
            }
            query = query.orderBy(SQLOrderBy(expression: id, direction: page.oldestFirst ? SQLDirection.ascending : SQLDirection.descending))
        }
        return query.limit(page.limit + 1)
    }

    /// How many reports a list would hold, all pages together.
    static func count(_ filter: ReportFilter, scope: ListScope, now: Date, on db: any Database) async throws -> Int {
        struct Row: Decodable { let n: Int }
        let count = SQLAlias(SQLFunction("COUNT", args: SQLLiteral.all), as: SQLIdentifier("n"))
        let plan = try await searchPlan(filter, scope: scope, now: now, on: db)
        return try await filtered(count, filter, plan, scope: scope, now: now, on: db).first(decoding: Row.self)?.n ?? 0
    }

    /// How many, counting no further than `cap`: a count that stops once it is past what anyone reads exactly
    /// (an inbox tab says "1000+"), so it never walks a million rows.
    static func count(
        _ filter: ReportFilter, scope: ListScope, now: Date, upTo cap: Int, plan forced: SearchPlan? = nil, on db: any Database
    ) async throws -> Int {
        struct Row: Decodable { let n: Int }
        let plan = if let forced { forced } else { try await searchPlan(filter, scope: scope, now: now, need: cap, newestFirst: nil, on: db) }
        var matching = filtered(SQLLiteral.numeric("1"), filter, plan, scope: scope, now: now, on: db).limit(cap)
        if let newestFirst = plan.indexNewestFirst {
            let id = SQLColumn("rowid", table: TextSearch.Index.serving(filter).rawValue)
            matching = matching.orderBy(SQLOrderBy(expression: id, direction: newestFirst ? SQLDirection.descending : SQLDirection.ascending))
        }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM (\(matching.query)) capped").first(decoding: Row.self)?.n ?? 0
    }

    /// How a search runs on SQLite. Either the full-text index leads (`indexLeads`): it hands out matches newest
    /// first, each is checked against the list's other conditions, and the query stops after a page — right when
    /// many reports pass them. Or the index's matches are collected first and the reports that pass the other
    /// conditions are looked up among them (`matchesFirst`) — right when few pass, where leading would fetch report
    /// after report to find a handful. Or the reports that pass the other conditions are collected first, through
    /// their own indexes, and the index leads, each match checked against that collection instead of its report's
    /// row (`passingFirst`) — right when both are many and few matches pass: work due soon among the 391,000 open
    /// reports that say "jalan" at ten million (26,000 pass; 65–130 ms to collect the matches, 10–30 to collect
    /// them and lead). Which one is told by counting the reports that pass the other conditions through their own
    /// indexes, up to `fewReports`; when many pass, by how many of the first matches the query would read pass (a
    /// sample of `sampleSize`, in the query's order, and for a count in either order: the index hands matches out
    /// oldest first unless told otherwise), which tells how far leading would read to find what the query needs; and when leading would
    /// read too far, by whether the passing reports are a quarter of the matches or fewer, counted up to
    /// `manyReports`.
    /// (Checking each passing report against the index one by one was tried: 22 µs a report even for whole
    /// words, as much as collecting a hundred thousand matches for a few thousand reports.)
    /// Where the index leads, `newestFirst` is the order a count reads it in (a list reads it in its page's order).
    enum SearchPlan: Equatable {
        case none
        case indexLeads([String], newestFirst: Bool = false)
        case matchesFirst([String])
        case passingFirst([String], newestFirst: Bool = false)

        /// Whether a count reads the index newest first; nil when the index does not lead (nor names the rows' order).
        var indexNewestFirst: Bool? {
            switch self {
            case .indexLeads(_, let newestFirst), .passingFirst(_, let newestFirst): newestFirst
            case .none, .matchesFirst: nil
            }
        }
    }

    static let fewReports = 2_000
    /// Up to where the passing reports are counted when leading would read too far (the matches up to four times
    /// as many): counting 50,000 through an index costs a few milliseconds, collecting them 5–10.
    static let manyReports = 50_000
    /// How many matches the sample reads, and how many reports leading may read at most: at ten million, leading
    /// reads a report in 2–3 µs, and collecting a common word's matches first costs 17–20 ms whatever follows.
    static let sampleSize = 500
    static let longestLead = 10_000

    /// `need` is how many reports the query stops after (a page, a capped count), nil when it reads them all;
    /// `newestFirst` the order it reads them in, nil when it has no order of its own (a count): the plan then
    /// reads the index in whichever order its sample finds what passes sooner.
    static func searchPlan(
        _ filter: ReportFilter, scope: ListScope, now: Date, few: Int = fewReports, need: Int? = nil, newestFirst: Bool? = false,
        sample sampleSize: Int = sampleSize, on db: any Database
    ) async throws -> SearchPlan {
        guard let words = TextSearch.leadingWords(filter.text, on: db) else { return .none }
        var others = filter
        others.text = nil
        // A query that needs many reports takes a sample below whenever many pass the other conditions; it need
        // only tell "few" from "many" as far as a sample reaches (counting 2,000 reports cost 3–6 ms a tab).
        let sampled = (need ?? 0) >= sampleSize
        let enough = sampled ? min(few, sampleSize) : few
        let passing = try await count(others, scope: scope, now: now, upTo: enough, on: db)
        if passing < enough { return .matchesFirst(words) }
        // A page needs few reports, and the sample would cost more than leading saves (a fifth of a list's time).
        guard let need, sampled else { return .indexLeads(words, newestFirst: newestFirst ?? false) }
        // Many reports pass the other conditions, and still few of a common word's matches may (work due soon,
        // searched nationally: none of the oldest 500 open matches). Leading would then read every match.
        var likelier = (passed: -1, newestFirst: false)
        for way in newestFirst.map({ [$0] }) ?? [false, true] {
            let sample = try await self.sample(words, others, filter, scope: scope, now: now, size: sampleSize, newestFirst: way, on: db)
            // Fewer matches than a sample: leading reads them all at once.
            if sample.read < sampleSize || leads(need: need, passed: sample.passed, of: sampleSize) {
                return .indexLeads(words, newestFirst: way)
            }
            // A tie (none passed either way) goes to the newest: the order lists are read in, and where the work
            // that passes a count is found sooner at ten million (due soon, answered: 20 ms newest first, 35–50 oldest).
            if sample.passed >= likelier.passed { likelier = (sample.passed, way) }
        }
        // Leading would read too far: one of the two is collected first, and the other side read until the query
        // has what it needs. The passing reports are collected only when they are at most a quarter of the matches:
        // collecting the matches lets the passing reports, read through their own index, stop early, which makes up
        // for a collection a few times larger (`lampu`, 46,000 open matches, due soon: 15 ms matches first, 30
        // passing first; `jalan`, 391,000: 65–130 and 20). The matches are counted first, up to four times
        // `manyReports` (the index reads whole words lazily, so the count stops there: 3 ms for `lampu`, 12 at the
        // bound), then the passing reports, through their own indexes, up to a quarter of that.
        struct Count: Decodable { let n: Int }
        let matches = TextSearch.firstMatches(words, in: TextSearch.Index.serving(filter), count: 4 * manyReports, newestFirst: false, as: "m")
        let quarter = (try await db.sql.raw("SELECT COUNT(*) AS n FROM \(matches)").first(decoding: Count.self)?.n ?? 0) / 4
        let passingCount = try await count(others, scope: scope, now: now, upTo: quarter, on: db)
        return passingCount < quarter ? .passingFirst(words, newestFirst: likelier.newestFirst) : .matchesFirst(words)
    }

    /// How many of the index's first `size` matches, in the order given, pass the other conditions, and how many
    /// there were: one statement reads them once.
    private static func sample(
        _ words: [String], _ others: ReportFilter, _ filter: ReportFilter, scope: ListScope, now: Date, size: Int, newestFirst: Bool,
        on db: any Database
    ) async throws -> (read: Int, passed: Int) {
        struct Sample: Decodable { let read: Int; let passed: Int? }
        let first = TextSearch.firstMatches(words, in: TextSearch.Index.serving(filter), count: size, newestFirst: newestFirst, as: "first")
        let passes = filtered(SQLLiteral.numeric("1"), others, .none, scope: scope, now: now, on: db).where(SQLRaw("r.id = first.rowid"))
        let sample = try await db.sql.raw("SELECT COUNT(*) AS read, SUM(EXISTS (\(passes.query))) AS passed FROM \(first)")
            .first(decoding: Sample.self)
        return (sample?.read ?? 0, sample?.passed ?? 0)
    }

    /// The plan for one page: it needs the page and the next row, in its order; sorted by deadline, every match
    /// is read whatever the plan, so no sample.
    private static func searchPlan(
        _ filter: ReportFilter, scope: ListScope, now: Date, for page: PageRequest, on db: any Database
    ) async throws -> SearchPlan {
        try await searchPlan(filter, scope: scope, now: now, need: page.byDue ? nil : page.limit + 1, newestFirst: !page.oldestFirst, on: db)
    }

    /// Whether leading would find `need` reports within `longestLead` reads, at the rate the sample passed.
    static func leads(need: Int, passed: Int, of sampleSize: Int) -> Bool {
        passed > 0 && need * sampleSize / passed <= longestLead
    }

    /// The reports table confined to the viewer's scope and narrowed by the filter.
    private static func filtered(
        _ columns: any SQLExpression, _ filter: ReportFilter, _ plan: SearchPlan, scope: ListScope, now: Date, on db: any Database
    ) -> SQLSelectBuilder {
        let reports = SQLAlias(SQLIdentifier("reports"), as: SQLIdentifier("r"))
        var query = db.sql.select().column(columns)
        let index = TextSearch.Index.serving(filter)
        switch plan {
        case .indexLeads(let words, _):
            query = query.from(SQLIdentifier(index.rawValue))
                .join(reports, method: SQLJoinMethod.inner, on: SQLRaw("r.id = \(index.rawValue).rowid"))
                .where(TextSearch.match(words, in: index))
        case .matchesFirst(let words):
            query = query.from(reports).where(TextSearch.condition(matching: words, in: index, column: "r", on: db))
        case .passingFirst(let words, _):
            // The other conditions are the collection's, so the query itself only checks each match against it
            // (the unary plus keeps SQLite from asking the index for each collected report instead).
            var others = filter
            others.text = nil
            let passing = filtered(SQLColumn("id", table: "r"), others, .none, scope: scope, now: now, on: db)
            return query.from(SQLIdentifier(index.rawValue))
                .join(reports, method: SQLJoinMethod.inner, on: SQLRaw("r.id = \(index.rawValue).rowid"))
                .where(TextSearch.match(words, in: index))
                .where(SQLQueryString("+\(ident: index.rawValue).rowid IN (\(passing.query))"))
        case .none:
            query = query.from(reports)
            if let text = filter.text, !text.isEmpty {
                query = query.where(TextSearch.condition(matching: SearchTerms.words(in: text), in: index, column: "r", on: db))
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
            query = query.where(SQLGroupExpression(SQLQueryString("r.category_id = \(bind: category) OR r.subcategory_id = \(bind: category)")))
        }
        if let classification = filter.classification { query = query.where(SQLColumn("classification", table: "r"), .equal, SQLBind(classification.rawValue)) }
        if let channel = filter.channel { query = query.where(SQLColumn("channel", table: "r"), .equal, SQLBind(channel.rawValue)) }
        if let from = filter.createdFrom { query = query.where(SQLColumn("created_at", table: "r"), .greaterThanOrEqual, SQLBind(from)) }
        if let before = filter.createdBefore { query = query.where(SQLColumn("created_at", table: "r"), .lessThan, SQLBind(before)) }
        if let reporter = filter.reporterUserID { query = query.where(SQLColumn("reporter_user_id", table: "r"), .equal, SQLBind(reporter)) }
        if let escalated = filter.escalated { query = query.where(SQLColumn("is_escalated", table: "r"), .equal, SQLBind(escalated)) }
        if let region = filter.regionID {
            // A province stands for its regencies and cities too.
            query = query.where(SQLGroupExpression(SQLQueryString(
                "r.region_id = \(bind: region) OR r.region_id IN (SELECT id FROM regions WHERE parent_id = \(bind: region))")))
        }
        // "Late" is the institution's lateness: a running triage or answer stage past its deadline, not on hold.
        let running = "r.sla_stage IN ('triage', 'answer') AND r.held_at IS NULL"
        let dueAt = deadline(filter, on: db)
        if let late = filter.late {
            query = query.where(SQLGroupExpression(late
                ? SQLQueryString("\(unsafeRaw: running) AND \(unsafeRaw: dueAt) < \(bind: now)")
                : SQLQueryString("r.sla_stage IS NOT NULL AND NOT (\(unsafeRaw: running) AND \(unsafeRaw: dueAt) < \(bind: now))")))
        }
        if let days = filter.dueWithinDays {
            query = query.where(SQLGroupExpression(SQLQueryString(
                "\(unsafeRaw: running) AND \(unsafeRaw: dueAt) >= \(bind: now) AND \(unsafeRaw: dueAt) < \(bind: now.addingTimeInterval(Double(days) * 86_400))")))
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
            parts.append(SQLQueryString(
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
