import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The kept figures of one institution over a period: each child's whole subtree, what it holds itself, and the
/// same reports per province. Reads only the tally rows of the institution and its children.
struct InstitutionFigures: Sendable {
    var children: [Int64: PerformanceFigures] = [:]
    var direct = PerformanceFigures()
    var provinces: [Int64: PerformanceFigures] = [:]

    /// Everything in the institution's subtree.
    var overall: PerformanceFigures { children.values.reduce(direct, +) }

    /// Only the whole subtree's figures, in one sum: the home page's, without reading the institution's children.
    static func overall(of institutionID: Int64, periods: [String], on db: any Database) async throws -> PerformanceFigures {
        guard !periods.isEmpty else { return PerformanceFigures() }
        let sums = sumOfEachCounter()
        let periodList: SQLQueryString = periods.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
        let whose: SQLQueryString = """
            ((direct = \(bind: true) AND institution_id = \(bind: institutionID))
            OR (direct = \(bind: false) AND institution_id IN (SELECT id FROM institutions WHERE parent_id = \(bind: institutionID))))
            """
        let query: SQLQueryString = "SELECT \(sums) FROM report_tallies WHERE period IN (\(periodList)) AND \(whose)"
        guard let row = try await db.sql.raw(query).first() else { return PerformanceFigures() }
        return try figures(in: row)
    }

    private static func sumOfEachCounter() -> SQLQueryString {
        let each: [SQLQueryString] = PerformanceFigures.counters.map { counter -> SQLQueryString in
            "SUM(\(ident: counter.name)) AS \(ident: counter.name)"
        }
        return each.joined(separator: ", ")
    }

    /// A row of summed counters, named as the table names them.
    private static func figures(in row: any SQLRow) throws -> PerformanceFigures {
        var sum = PerformanceFigures()
        for counter in PerformanceFigures.counters {
            sum[keyPath: counter.path] = try row.decode(column: counter.name, as: Int?.self) ?? 0
        }
        return sum
    }

    /// One line of a table of figures: an institution, or a province.
    struct Line: Sendable {
        let id: Int64
        let name: String
        var figures = PerformanceFigures()
    }

    /// The lines a statistics page or dashboard shows for an institution: each child with its whole subtree, by name,
    /// then the institution itself for what it holds directly (when it holds any).
    static func lines(under institution: Institution, periods: [String], on db: any Database) async throws -> (Self, [Line]) {
        // Plain rows, not models: the national level has hundreds of children, and a model costs far more to decode.
        struct Child: Decodable {
            let id: Int64
            let name: String
        }
        let children = try await db.sql.raw("SELECT id, name FROM institutions WHERE parent_id = \(bind: institution.id) ORDER BY name")
            .all(decoding: Child.self)
        let figures = try await load(institution.id, children: children.map(\.id), periods: periods, on: db)
        var lines = children.map { Line(id: $0.id, name: $0.name, figures: figures.children[$0.id] ?? PerformanceFigures()) }
        if figures.direct.received > 0 { lines.append(Line(id: institution.id, name: institution.name, figures: figures.direct)) }
        return (figures, lines)
    }

    static func load(_ institutionID: Int64, children childIDs: [Int64], periods: [String], on db: any Database) async throws -> Self {
        var figures = Self()
        guard !periods.isEmpty else { return figures }
        var whose: SQLQueryString = "(direct = \(bind: true) AND institution_id = \(bind: institutionID))"
        if !childIDs.isEmpty {
            whose =
                "(\(whose) OR (direct = \(bind: false) AND institution_id IN (\(childIDs.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")))))"
        }
        let sums = sumOfEachCounter()
        let periodList = periods.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
        let rows = try await db.sql.raw(
            """
            SELECT institution_id, direct, province_id, \(sums) FROM \(ident: ReportTallies.table)
            WHERE period IN (\(periodList)) AND \(whose)
            GROUP BY institution_id, direct, province_id
            """
        ).all()
        for row in rows {
            let sum = try Self.figures(in: row)
            let id = try row.decode(column: "institution_id", as: Int64.self)
            if try row.decode(column: "direct", as: Bool.self) {
                figures.direct += sum
            } else {
                figures.children[id, default: PerformanceFigures()] += sum
            }
            let province = try row.decode(column: "province_id", as: Int64.self)
            if province != 0 { figures.provinces[province, default: PerformanceFigures()] += sum }
        }
        return figures
    }
}
