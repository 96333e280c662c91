import Fluent
import Foundation
import SQLKit
import TanggapCore

/// The figures behind the statistics pages: per institution one level below the one looked at, and per
/// province. Spam is not counted; rahasia reports are, since they are work done, but only ever as numbers.
enum PublicStatistics {
    typealias UnitFigures = InstitutionFigures.Line

    struct Result: Sendable {
        var overall = PerformanceFigures()
        var institutions: [UnitFigures]
        var regions: [UnitFigures]
    }

    /// Reports received in the tally periods (see `StatisticsPeriod`) and held anywhere under `institution`: per child
    /// (its whole subtree), what the institution holds itself, and per province.
    static func compute(
        under institution: Institution, periods: [String], cache: FiguresCache? = nil, now: Date = Date(), on db: any Database
    ) async throws -> Result {
        let (figures, institutions) = try await InstitutionFigures.lines(
            under: institution, periods: periods, cache: cache, now: now, on: db)
        let provinces = try await RegionModel.query(on: db).filter(\.$parentID == nil).sort(\.$name).all()
        return Result(
            overall: figures.overall, institutions: institutions,
            regions: provinces.map { UnitFigures(id: $0.id!, name: $0.name, figures: figures.provinces[$0.id!] ?? PerformanceFigures()) })
    }
}
