import Fluent
import Foundation
import Leaf
import NIOCore
import Vapor

/// The one way in: the command line and the tests build the application through this function.
public func configure(_ app: Application, settings: Settings, clock: Clock = .system) async throws {
    let resources = app.directory.resourcesDirectory
    app.threadPool = DatabaseSetup.blockingThreads()
    let lane = try CommitLane(settings.database, deadline: settings.databaseDeadline, threadPool: app.threadPool)
    app.lifecycle.use(lane)
    let requestPool = try DatabaseSetup.configure(app, settings.database, poolDeadline: settings.databaseDeadline)
    let watch = DatabaseWatch(settings.database, on: app.eventLoopGroup.any(), probeDeadline: settings.databaseDeadline, logger: app.logger)
    for pool in [requestPool, lane.renewable].compactMap({ $0 }) { watch.watch(pool) }
    app.lifecycle.use(watch)
    app.tanggap = TanggapContext(
        settings: settings, clock: clock,
        localizer: try Localizer(directory: resources + "Locales"),
        attachments: AttachmentStore(settings: settings, threadPool: app.threadPool),
        limiter: RateLimiter(),
        calendars: CalendarBook(defaultZone: settings.timeZone, defaults: .standard),
        commits: GroupCommit(on: lane.loop, deadline: settings.databaseDeadline, onFailure: watch.noteFailure) { [logger = app.logger] in
            lane.database(logger: logger)
        },
        databaseWatch: watch,
        mailer: settings.smtp.map { SMTPMailer(settings: $0) })
    // With several servers listed, the first one that takes writes is the primary from the start.
    if watch.targets.count > 1, let primary = await watch.primary(), primary != watch.targets[0] {
        for pool in [requestPool, lane.renewable].compactMap({ $0 }) { try pool.renew(to: primary) }
    }

    configureContent()
    configureMiddleware(app, settings)
    try routes(app, settings)

    try await DatabaseSetup.prepare(
        app, settings.database, cacheMegabytes: settings.sqliteCacheMegabytes, busyWait: settings.databaseDeadline,
        alsoOn: [lane.database(logger: app.logger)])
    if settings.migrateOnStart { try await DatabaseSetup.migrate(app, settings.database) }
    if try await DatabaseSetup.pendingMigrations(on: app.db).isEmpty {
        try await NationalCalendar.importShippedHolidaysIfMissing(app)
        try await ReportTallies.buildIfMissing(context: app.tanggap, on: app.db)
    }
    if settings.workers > 0 { app.lifecycle.use(BackgroundWork(loops: settings.workers)) }
}

/// JSON on the wire is snake_case with ISO 8601 dates.
private func configureContent() {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.withoutEscapingSlashes]
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    ContentConfiguration.global.use(decoder: decoder, for: .json)
}

private func configureMiddleware(_ app: Application, _ settings: Settings) {
    app.middleware = Middlewares()
    // Registered after the commit lane, so a stop waits for the requests before the lane lets go of its connections.
    let inFlight = RequestsInFlight()
    app.lifecycle.use(inFlight)
    app.middleware.use(inFlight)
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(
        SecurityHeadersMiddleware(strictTransport: settings.secureCookies, includeSubdomains: settings.strictTransportSubdomains))
    app.middleware.use(TanggapErrorMiddleware())
    app.middleware.use(SameOriginCheckMiddleware(publicURL: settings.publicURL))

    app.middleware.use(StaticFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    app.views.use(.leaf)
    app.leaf.tags["t"] = TranslateTag()
    app.leaf.tags["options"] = OptionsTag()
    app.routes.defaultMaxBodySize = "256kb"
}

private func routes(_ app: Application, _ settings: Settings) throws {
    HealthController.register(app)
    if let token = settings.metricsToken { ServerMetrics.register(app, token: token) }
    WellKnownController.register(app)
    FederationInboxController.register(app)
    FederationFigures.register(app)
    let api = app.grouped("api", "v1").grouped(BearerAuthenticationMiddleware())
        .grouped(SecondFactorGate(reach: settings.secondFactorReach, surface: .api)).grouped(IdempotencyMiddleware(keys: .header))
    try OpenAPIDocument.load(from: app.directory.workingDirectory).register(api)
    ReportsController.register(api, attachmentLimit: settings.attachmentLimitBytes)
    AccountsController.register(api)
    FederationController.register(api)
    DirectoryController.register(api)
    CalendarController.register(api)
    SLAController.register(api)
    NotificationsController.register(api)
    OpenDataController.register(api)
    WebhookController.register(app, settings: settings)
    Open311Controller.register(app)

    let pages = app.grouped(LanguageCookieMiddleware()).grouped(CSRFCookieMiddleware()).grouped(WebSessionMiddleware())
        .grouped(SecondFactorGate(reach: settings.secondFactorReach, surface: .pages)).grouped(IdempotencyMiddleware(keys: .headerOrForm))
    PortalHomeController.register(pages)
    SubmitController.register(pages, attachmentLimit: settings.attachmentLimitBytes)
    ReportPageController.register(pages, attachmentLimit: settings.attachmentLimitBytes)
    PublicReportsController.register(pages)
    ParticipationController.register(pages)
    CitizenAccountController.register(pages)
    SignInsPageController.register(pages)
    PersonalDataController.register(pages)
    PrivacyNoticeController.register(pages)
    PasswordResetController.register(pages)
    StatisticsController.register(pages)
    SignInController.register(pages)
    SecondFactorController.register(pages)
    OfficeHomeController.register(pages)
    InboxController.register(pages)
    DashboardController.register(pages)
    ListExport.register(pages)
    WeeklyReviewController.register(pages)
    AdministrationController.register(pages)
    DeadlineSettingsController.register(pages)
    WorkspaceController.register(pages, attachmentLimit: settings.attachmentLimitBytes)
}
