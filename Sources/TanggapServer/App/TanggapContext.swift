import Foundation
import Vapor

/// The time as Tanggap sees it. Injected so that tests can walk a deadline without waiting for it.
public struct Clock: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static let system = Clock { Date() }
}

/// What every part of the server shares: settings and the dependencies a test may replace.
public struct TanggapContext: Sendable {
    public var settings: Settings
    public var clock: Clock
    var localizer: Localizer
    var attachments: AttachmentStore
    var limiter: RateLimiter
    let calendars: CalendarBook
    /// Concurrent submissions share one commit (see `GroupCommit`).
    let commits: GroupCommit<NewReport>
    /// Notices a lost PostgreSQL and renews the pools once a primary answers again.
    let databaseWatch: DatabaseWatch
    /// Statistics and dashboard figures, kept until a report or the tree changes.
    let figures = FiguresCache()
    /// Reports received in weeks that are over, per subtree: final, so counted once.
    let closedWeeks = ClosedWeekCounts()
    /// The search plans chosen lately (see `SearchPlanMemory`).
    let searchPlans = SearchPlanMemory()
    /// The eight weeks before of the rising problems, per subtree and week (see `IncidentCounts`).
    let incidents = IncidentCounts()
    /// The routing model this process suggests with (see `RoutingModels`).
    let routing = RoutingModels()
    /// Nil when no mail server is configured: reminders then stay in the in-app list.
    var mailer: (any Mailer)?
}

extension Application {
    private struct ContextKey: StorageKey {
        typealias Value = TanggapContext
    }

    public var tanggap: TanggapContext {
        get {
            guard let context = storage[ContextKey.self] else { fatalError("configure(_:settings:) was not called") }
            return context
        }
        set { storage[ContextKey.self] = newValue }
    }
}

extension Request {
    var tanggap: TanggapContext { application.tanggap }
    var now: Date { application.tanggap.clock.now() }
}
