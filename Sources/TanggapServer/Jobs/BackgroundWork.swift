import Fluent
import Foundation
import Vapor

/// Runs the job workers (and through them the periodic tasks) and the federation courier for as long as the
/// application is up.
struct BackgroundWork: LifecycleHandler {
    let loops: Int

    private struct Tasks: StorageKey { typealias Value = [Task<Void, Never>] }

    func didBootAsync(_ app: Application) async throws {
        let context = app.tanggap
        var tasks = (0..<loops).map { index in
            let worker = JobWorker(name: JobWorker.name(index), context: context, db: app.db, logger: app.logger)
            return Task { await worker.run(database: { app.db }) }
        }
        let courier = FederationCourier(name: JobWorker.name(loops), context: context, logger: app.logger)
        tasks.append(Task { await courier.run(database: { app.db }) })
        app.storage[Tasks.self] = tasks
        app.logger.info("background work started", metadata: ["workers": .stringConvertible(loops)])
    }

    func shutdownAsync(_ app: Application) async {
        let tasks = app.storage[Tasks.self] ?? []
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}

/// The national calendar ships with Tanggap: a database without national holidays gets the shipped ones.
enum NationalCalendar {
    static func importShippedHolidaysIfMissing(_ app: Application) async throws {
        let count =
            try await app.db.sql.raw("SELECT COUNT(*) AS n FROM holidays WHERE institution_id IS NULL").first(decoding: CountRow.self)?.n
            ?? 0
        guard count == 0 else { return }
        let path = app.directory.resourcesDirectory + "Data/id-public-holidays.csv"
        let counts = try await HolidayStore.importCSV(path, kind: .national, institutionID: nil, now: app.tanggap.clock.now(), on: app.db)
        app.logger.info("imported the national holidays", metadata: ["added": .stringConvertible(counts.added)])
    }

    private struct CountRow: Decodable { let n: Int }
}
