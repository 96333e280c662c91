import Fluent
import Foundation
import SQLKit
import TanggapCore
import Vapor

/// Figures cross too: each instance publishes its public figures for the last twelve months at
/// `GET /federation/v1/figures` (open, like `/statistik`), and pulls its peers' on a schedule; the national
/// `/statistik` shows them, each labelled with its source and when it was read. A case handed from one instance to
/// another is in both instances' figures, so each publishes how many of its reports were handed in (`handed_in`), and
/// the count across instances subtracts them: every case counts once, where it was first filed.
enum FederationFigures {
    struct Published: Content, Equatable {
        let instanceID: String
        let name: String
        /// `tahun`: the twelve months up to this one, as `/statistik?periode=tahun`.
        let period: String
        let generatedAt: Date
        let received: Int
        let answered: Int
        let answeredInTime: Int
        let completed: Int
        let rated: Int
        let satisfied: Int
        /// Of `received`, the reports handed in from other instances (each counted by its origin too).
        let handedIn: Int
    }

    static func register(_ app: Application) {
        app.get("federation", "v1", "figures", use: publish)
    }

    @Sendable static func publish(_ req: Request) async throws -> Response {
        let figures = try await own(context: req.tanggap, now: req.now, on: req.db)
        let response = try await figures.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return response
    }

    /// This instance's figures over its whole tree for the last twelve months.
    static func own(context: TanggapContext, now: Date, on db: any Database) async throws -> Published {
        guard let root = try await InstitutionDirectory.root(on: db) else {
            throw APIError(status: .serviceUnavailable, code: "not_set_up")
        }
        let zone = context.settings.timeZone
        let periods = StatisticsPeriod.twelveMonths.tallyPeriods(now: now, zone: zone)
        let result = try await PublicStatistics.compute(under: root, periods: periods, cache: context.figures, now: now, on: db)
        let since = startOfMonth(periods.last ?? "", zone: zone) ?? now
        let handedIn =
            try await db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("reports")
            .where("channel", .equal, TanggapCore.Channel.federation.rawValue).where("created_at", .greaterThanOrEqual, SQLBind(since))
            .first(decodingColumn: "n", as: Int.self) ?? 0
        let f = result.overall
        return Published(
            instanceID: try await InstanceKeys.instanceID(settings: context.settings, now: now, on: db),
            name: try await WellKnownController.instanceName(settings: context.settings, on: db),
            period: StatisticsPeriod.twelveMonths.rawValue,
            generatedAt: now, received: f.received, answered: f.answered, answeredInTime: f.answeredInTime, completed: f.completed,
            rated: f.rated, satisfied: f.satisfied, handedIn: handedIn)
    }

    /// `2025-12` → the first moment of that month where the deployment is.
    private static func startOfMonth(_ period: String, zone: TimeZone) -> Date? {
        let parts = period.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: 1))
    }

    /// Reads every active peer's figures and keeps them; a peer that cannot be read keeps its last figures (with their
    /// time) and the failure goes on its row, for its admin.
    static func pull(context: TanggapContext, on db: any Database) async throws {
        struct Target: Decodable {
            let id: Int64
            let instance_id: String
            let base_url: String
        }
        let peers = try await db.sql.select().columns("id", "instance_id", "base_url").from("federation_peers")
            .where("status", .equal, Peers.Status.active.rawValue).all(decoding: Target.self)
        for peer in peers {
            let now = context.clock.now()
            do {
                let data = try await GatewayHTTP.call("peer", .GET, peer.base_url + "/federation/v1/figures", timeout: .seconds(10))
                let figures = try FederationJSON.decoder.decode(Published.self, from: data)
                guard figures.instanceID.lowercased() == peer.instance_id else { throw FederationError.notThePinnedInstance }
                let body = String(decoding: try FederationJSON.encoder.encode(figures), as: UTF8.self)
                try await db.sql.insert(into: "federation_figures").columns("peer_id", "figures", "fetched_at")
                    .values(SQLBind(peer.id), SQLBind(body), SQLBind(now))
                    .onConflict(with: ["peer_id"]) { $0.set(excludedValueOf: "figures").set(excludedValueOf: "fetched_at") }.run()
            } catch {
                try await Peers.noteError("figures: \(error)", instance: peer.instance_id, now: now, on: db)
            }
        }
    }

    static let task = PeriodicTask(name: "federation-figures", interval: 900) { context, db, _ in
        try await pull(context: context, on: db)
    }

    /// The peers' figures as last read, with where from and when.
    struct FromPeer: Sendable {
        let source: String
        let fetchedAt: Date
        let figures: Published
    }

    static func stored(on db: any Database) async throws -> [FromPeer] {
        struct Row: Decodable {
            let base_url: String
            let figures: String
            let fetched_at: Date
        }
        let rows = try await db.sql.raw(
            """
            SELECT p.base_url, f.figures, f.fetched_at FROM federation_figures f JOIN federation_peers p ON p.id = f.peer_id
            WHERE p.status = 'active' ORDER BY p.name
            """
        ).all(decoding: Row.self)
        return rows.compactMap { row in
            (try? FederationJSON.decoder.decode(Published.self, from: Data(row.figures.utf8))).map {
                FromPeer(source: row.base_url, fetchedAt: row.fetched_at, figures: $0)
            }
        }
    }
}
