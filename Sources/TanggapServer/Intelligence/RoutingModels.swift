import Fluent
import Foundation
import SQLKit
import Synchronization
import TanggapCore

/// Where the routing model lives: learnt by the worker (a periodic task, daily by default) from the instance's own
/// history and stored as one row; each process loads the newest and looks for a newer one at most once a minute.
/// Nothing waits for training: until a first model exists, there are simply no suggestions, and intake never
/// touches the model at all.
final class RoutingModels: Sendable {
    struct Loaded: Sendable {
        let id: Int64
        let trainedAt: Date
        let lessons: Int
        let model: RoutingModel
        let bodies: BodyDirectory
        /// The texts' fingerprints as this model weighs them, kept between look-alike searches.
        let fingerprints: Fingerprints
    }

    private struct State {
        var loaded: Loaded?
        var checkedAt: Date?
    }

    private let state = Mutex(State())
    static let recheck: TimeInterval = 60
    /// Fewer dispatched reports than this teach nothing worth suggesting.
    static let fewestLessons = 50

    /// The newest model, loaded if a newer one was stored since the last look (at most once a minute).
    func current(now: Date, on db: any Database) async throws -> Loaded? {
        let (loaded, due) = state.withLock { state -> (Loaded?, Bool) in
            let due = state.checkedAt.map { now.timeIntervalSince($0) >= Self.recheck || now < $0 } ?? true
            if due { state.checkedAt = now }
            return (state.loaded, due)
        }
        guard due else { return loaded }
        struct Newest: Decodable { let id: Int64? }
        guard let newest = try await db.sql.raw("SELECT MAX(id) AS id FROM routing_models").first(decoding: Newest.self)?.id,
            newest != loaded?.id
        else { return loaded }
        let fresh = try await Self.load(newest, on: db)
        state.withLock { $0.loaded = fresh }
        return fresh
    }

    /// Forgets what is loaded, so the next look reads the store (after a test or a command trains a new model).
    func forget() {
        state.withLock { $0 = State() }
    }

    private static func load(_ id: Int64, on db: any Database) async throws -> Loaded? {
        struct Row: Decodable {
            let trained_at: Date
            let lessons: Int
            let payload: Data
        }
        guard
            let row = try await db.sql.raw("SELECT trained_at, lessons, payload FROM routing_models WHERE id = \(bind: id)")
                .first(decoding: Row.self)
        else { return nil }
        let model = try JSONDecoder().decode(RoutingModel.self, from: row.payload)
        return Loaded(
            id: id, trainedAt: row.trained_at, lessons: row.lessons, model: model, bodies: try await BodyDirectory.load(on: db),
            fingerprints: Fingerprints(weights: model.rarity.weights))
    }

    struct Trained: Sendable, CustomStringConvertible {
        let lessons: Int
        let bytes: Int
        let seconds: Double
        var description: String {
            "learnt from \(lessons) reports in \(String(format: "%.1f", seconds)) s (\(bytes / 1_024) KB stored)"
        }
    }

    /// Learns a model from the newest dispatched reports and stores it; the older models go. Nil when the history
    /// is still too short.
    static func train(now: Date, on db: any Database) async throws -> Trained? {
        let started = ContinuousClock.now
        let rows = try await RoutingHistory.lessons(on: db)
        guard rows.count >= fewestLessons else { return nil }
        let model = RoutingHistory.train(on: rows, bodies: try await BodyDirectory.load(on: db))
        let payload = try JSONEncoder().encode(model)
        try await db.transaction { db in
            try await db.sql.insert(into: "routing_models").columns("trained_at", "lessons", "payload")
                .values(SQLBind(now), SQLBind(rows.count), SQLBind(payload)).run()
            struct Newest: Decodable { let id: Int64? }
            if let newest = try await db.sql.raw("SELECT MAX(id) AS id FROM routing_models").first(decoding: Newest.self)?.id {
                try await db.sql.delete(from: "routing_models").where("id", .lessThan, newest).run()
            }
        }
        return Trained(lessons: rows.count, bytes: payload.count, seconds: (ContinuousClock.now - started).seconds)
    }

    /// The worker's task: a new model once the stored one is older than `TANGGAP_SUGGESTIONS_TRAIN_HOURS` (or there
    /// is none yet and the history is long enough).
    static let task = PeriodicTask(name: "routing-model", interval: 300) { context, db, logger in
        struct Newest: Decodable { let trained_at: Date? }
        let newest = try await db.sql.raw("SELECT MAX(trained_at) AS trained_at FROM routing_models").first(decoding: Newest.self)?
            .trained_at
        let now = context.clock.now()
        if let newest, now.timeIntervalSince(newest) < context.settings.routingModelHours * 3_600 { return }
        if let trained = try await train(now: now, on: db) {
            logger.info("routing model trained", metadata: ["summary": .string(trained.description)])
        }
    }
}
