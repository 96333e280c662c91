import Foundation
import Logging
import TanggapCore

/// Where the data lives.
public enum DatabaseLocation: Sendable, Equatable {
    /// An embedded SQLite file (created on first start).
    case sqlite(path: String)
    /// A PostgreSQL server; `schema` confines Tanggap to one schema (tests use a fresh one each).
    case postgres(url: String, schema: String? = nil)

    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }
}

/// Everything that can be configured, read once from the environment. A laptop needs none of it;
/// a half-configured production deployment fails loudly at start.
public struct Settings: Sendable {
    public var database: DatabaseLocation
    /// Holds the SQLite file (by default) and the attachments.
    public var dataDirectory: String
    /// The most all attachments of one report may weigh together.
    public var attachmentLimitBytes: Int
    /// The folder under the data directory, or a bucket (`TANGGAP_ATTACHMENTS_URL`).
    public var attachmentStorage = AttachmentStorage.folder
    /// A file no report names is removed once it is this old: a submission writes its files before its row, so a
    /// younger one may still be on its way in (`TANGGAP_ORPHAN_GRACE_MINUTES`).
    public var orphanGrace: TimeInterval = 3_600
    public var bcryptCost: Int
    /// Send cookies with `Secure` (behind HTTPS, which every production deployment is).
    public var secureCookies: Bool
    /// Strict-Transport-Security also covers every subdomain (sent only with secure cookies, that is over HTTPS).
    /// Off by default: it binds every other site under the domain to HTTPS too.
    public var strictTransportSubdomains = false
    /// The deployment's home time zone: what "today" means for event dates and date filters.
    public var timeZone: TimeZone
    public var apiTokenLifetime: TimeInterval
    public var rateLimits: RateLimitSettings
    /// Trust `X-Forwarded-For` from a reverse proxy to tell clients apart.
    public var trustForwardedFor: Bool
    /// Run migrations when the server starts (the default for the embedded database).
    public var migrateOnStart: Bool
    public var demo: DemoMode
    /// How many reports the demo seeds when the server starts with it (`TANGGAP_DEMO_REPORTS`).
    public var demoReports = 360
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    /// Background job loops this process runs (0: none; `tanggap worker` runs them on their own).
    public var workers: Int
    /// The page cache of each SQLite connection that serves requests (one per core), in megabytes.
    public var sqliteCacheMegabytes = 16
    /// Where reminders are sent from; nil sends none (they stay in the in-app list).
    public var smtp: SMTPSettings?
    /// The address people reach Tanggap at, for links in e-mails.
    public var publicURL: String
    /// The language of messages that go out to staff (e-mail digests) and to reporters on their channels.
    public var language: Language
    /// SMS, WhatsApp, Telegram and inbound e-mail gateways.
    public var channels = ChannelSettings()
    /// The first retry of a failed job waits this long; each further one twice as long (up to an hour).
    public var jobBackoffSeconds: Double = 10
    /// The longest any wait on the database may take: a connection from a pool, a group commit, the readiness
    /// write. Past it the client hears 503 with Retry-After instead of waiting.
    public var databaseDeadline: Duration = .seconds(5)
    /// Who must sign in with a second factor: the sensitive roles always; every staff member if asked.
    public var secondFactorReach: SecondFactorPolicy.Reach = .sensitiveRoles
    /// Days after a report is closed before its reporter's name and contacts are erased (`Retention`); nil keeps them.
    public var retentionDays: Int?
    /// How often each body's Open311 system is asked where the requests sent to it stand.
    public var open311PollSeconds: TimeInterval = 300
    /// How old the routing model may grow before the worker learns a new one from the history since.
    public var routingModelHours: Double = 24
    /// The name peers and the well-known document show for this instance; by default the top institution's name.
    public var instanceName: String?
    /// Where people write about their personal data (the data protection officer), shown on `/privasi`.
    public var privacyContact: String?
    /// The bearer token Prometheus sends for `/metrics`; nil turns the metrics off (no route, nothing counted).
    public var metricsToken: String?

    public enum DemoMode: String, Sendable {
        /// Seed the demo into an empty embedded database; never into PostgreSQL.
        case auto
        case always
        case never
    }

    public enum LogFormat: String, Sendable {
        case text, json
    }

    public init(
        database: DatabaseLocation, dataDirectory: String, attachmentLimitBytes: Int = 2 * 1024 * 1024,
        bcryptCost: Int = 12, secureCookies: Bool = false, timeZone: TimeZone = TimeZone(identifier: "Asia/Jakarta")!,
        apiTokenLifetime: TimeInterval = 30 * 24 * 3600, rateLimits: RateLimitSettings = .init(),
        trustForwardedFor: Bool = false, migrateOnStart: Bool = true, demo: DemoMode = .auto,
        logLevel: Logger.Level = .info, logFormat: LogFormat = .text, workers: Int = 2, smtp: SMTPSettings? = nil,
        publicURL: String = "http://127.0.0.1:8080", language: Language = .id
    ) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.attachmentLimitBytes = attachmentLimitBytes
        self.bcryptCost = bcryptCost
        self.secureCookies = secureCookies
        self.timeZone = timeZone
        self.apiTokenLifetime = apiTokenLifetime
        self.rateLimits = rateLimits
        self.trustForwardedFor = trustForwardedFor
        self.migrateOnStart = migrateOnStart
        self.demo = demo
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.workers = workers
        self.smtp = smtp
        self.publicURL = publicURL
        self.language = language
    }

    public var attachmentsDirectory: String { (dataDirectory as NSString).appendingPathComponent("attachments") }

    /// Reads `TANGGAP_*` variables. Unknown values are errors, not silently replaced by defaults.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let reader = EnvironmentReader(env)
        let dataDirectory = reader.string("TANGGAP_DATA_DIR") ?? "./data"
        let database: DatabaseLocation
        if let url = reader.string("TANGGAP_DATABASE_URL") {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                database = .postgres(url: url)
            } else if url.hasPrefix("sqlite://") || url.hasPrefix("sqlite:") {
                let path = url.replacingOccurrences(of: "sqlite://", with: "").replacingOccurrences(of: "sqlite:", with: "")
                database = .sqlite(path: path)
            } else {
                throw SettingsError.invalid("TANGGAP_DATABASE_URL", "expected postgres://… or sqlite:PATH")
            }
        } else {
            database = .sqlite(path: (dataDirectory as NSString).appendingPathComponent("tanggap.sqlite"))
        }
        var settings = Settings(database: database, dataDirectory: dataDirectory)
        settings.attachmentLimitBytes =
            try reader.int("TANGGAP_ATTACHMENT_LIMIT_BYTES", in: 1024...100_000_000) ?? settings.attachmentLimitBytes
        settings.attachmentStorage = try AttachmentStorage.read(reader)
        if let minutes = try reader.int("TANGGAP_ORPHAN_GRACE_MINUTES", in: 1...43_200) {
            settings.orphanGrace = TimeInterval(minutes) * 60
        }
        settings.bcryptCost = try reader.int("TANGGAP_BCRYPT_COST", in: 4...31) ?? settings.bcryptCost
        settings.secureCookies = try reader.bool("TANGGAP_SECURE_COOKIES") ?? settings.secureCookies
        settings.strictTransportSubdomains = try reader.bool("TANGGAP_HSTS_SUBDOMAINS") ?? false
        if let zone = reader.string("TANGGAP_TIME_ZONE") {
            guard let timeZone = TimeZone(identifier: zone) else { throw SettingsError.invalid("TANGGAP_TIME_ZONE", "not an IANA zone") }
            settings.timeZone = timeZone
        }
        if let days = try reader.int("TANGGAP_API_TOKEN_DAYS", in: 1...3650) { settings.apiTokenLifetime = TimeInterval(days) * 86_400 }
        settings.rateLimits.submissionsPerMinute =
            try reader.int("TANGGAP_RATE_LIMIT_SUBMISSIONS", in: 1...1_000_000) ?? settings.rateLimits.submissionsPerMinute
        settings.rateLimits.loginsPerMinute =
            try reader.int("TANGGAP_RATE_LIMIT_LOGINS", in: 1...1_000_000) ?? settings.rateLimits.loginsPerMinute
        settings.rateLimits.reporterActionsPerMinute =
            try reader.int("TANGGAP_RATE_LIMIT_REPORTER_ACTIONS", in: 1...1_000_000) ?? settings.rateLimits.reporterActionsPerMinute
        settings.rateLimits.secretChecksPerMinute =
            try reader.int("TANGGAP_RATE_LIMIT_SECRET_CHECKS", in: 1...1_000_000) ?? settings.rateLimits.secretChecksPerMinute
        settings.rateLimits.flagsPerMinute =
            try reader.int("TANGGAP_RATE_LIMIT_FLAGS", in: 1...1_000_000) ?? settings.rateLimits.flagsPerMinute
        settings.trustForwardedFor = try reader.bool("TANGGAP_TRUST_FORWARDED_FOR") ?? false
        if let token = reader.string("TANGGAP_METRICS_TOKEN") {
            guard token.count >= 16, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw SettingsError.invalid("TANGGAP_METRICS_TOKEN", "at least 16 visible characters")
            }
            settings.metricsToken = token
        }
        settings.migrateOnStart = try reader.bool("TANGGAP_MIGRATE_ON_START") ?? !database.isPostgres
        if let demo = reader.string("TANGGAP_DEMO") {
            guard let mode = DemoMode(rawValue: demo) else { throw SettingsError.invalid("TANGGAP_DEMO", "auto, always or never") }
            settings.demo = mode
        }
        settings.demoReports = try reader.int("TANGGAP_DEMO_REPORTS", in: 0...100_000) ?? settings.demoReports
        if let level = reader.string("TANGGAP_LOG_LEVEL") {
            guard let value = Logger.Level(rawValue: level) else { throw SettingsError.invalid("TANGGAP_LOG_LEVEL", "trace…critical") }
            settings.logLevel = value
        }
        if let format = reader.string("TANGGAP_LOG_FORMAT") {
            guard let value = LogFormat(rawValue: format) else { throw SettingsError.invalid("TANGGAP_LOG_FORMAT", "text or json") }
            settings.logFormat = value
        }
        settings.workers = try reader.int("TANGGAP_WORKERS", in: 0...64) ?? settings.workers
        settings.sqliteCacheMegabytes = try reader.int("TANGGAP_SQLITE_CACHE_MB", in: 2...4_096) ?? settings.sqliteCacheMegabytes
        if let url = reader.string("TANGGAP_PUBLIC_URL") { settings.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url }
        if let language = reader.string("TANGGAP_LANGUAGE") {
            guard let value = Language(rawValue: language) else { throw SettingsError.invalid("TANGGAP_LANGUAGE", "id or en") }
            settings.language = value
        }
        if let host = reader.string("TANGGAP_SMTP_HOST") {
            guard let from = reader.string("TANGGAP_SMTP_FROM").flatMap(ContactRules.email) else {
                throw SettingsError.invalid("TANGGAP_SMTP_FROM", "the sender address, required with TANGGAP_SMTP_HOST")
            }
            let tls = try reader.bool("TANGGAP_SMTP_TLS") ?? false
            settings.smtp = SMTPSettings(
                host: host, port: try reader.int("TANGGAP_SMTP_PORT", in: 1...65_535) ?? (tls ? 465 : 25), from: from,
                username: reader.string("TANGGAP_SMTP_USERNAME"), password: reader.string("TANGGAP_SMTP_PASSWORD"), implicitTLS: tls)
        }
        settings.channels = try ChannelSettings.read(reader)
        if let backoff = try reader.int("TANGGAP_JOB_BACKOFF_SECONDS", in: 1...3_600) { settings.jobBackoffSeconds = Double(backoff) }
        settings.rateLimits.channelMessagesPerMinute =
            try reader.int("TANGGAP_RATE_LIMIT_CHANNEL_MESSAGES", in: 1...1_000_000)
            ?? settings.rateLimits.channelMessagesPerMinute
        if let seconds = try reader.int("TANGGAP_OPEN311_POLL_SECONDS", in: 1...86_400) { settings.open311PollSeconds = Double(seconds) }
        if let hours = try reader.int("TANGGAP_SUGGESTIONS_TRAIN_HOURS", in: 1...720) { settings.routingModelHours = Double(hours) }
        settings.rateLimits.open311RequestsPerMinute =
            try reader.int("TANGGAP_RATE_LIMIT_OPEN311", in: 1...1_000_000) ?? settings.rateLimits.open311RequestsPerMinute
        if let seconds = try reader.int("TANGGAP_DATABASE_DEADLINE_SECONDS", in: 1...600) { settings.databaseDeadline = .seconds(seconds) }
        settings.retentionDays = try reader.int("TANGGAP_RETENTION_DAYS", in: 1...36_500)
        settings.instanceName = reader.string("TANGGAP_INSTANCE_NAME").map { String($0.prefix(200)) }
        if let contact = reader.string("TANGGAP_PRIVACY_CONTACT") {
            guard let email = ContactRules.email(contact) else {
                throw SettingsError.invalid("TANGGAP_PRIVACY_CONTACT", "an e-mail address")
            }
            settings.privacyContact = email
        }
        if let reach = reader.string("TANGGAP_SECOND_FACTOR") {
            guard let value = SecondFactorPolicy.Reach(rawValue: reach) else {
                throw SettingsError.invalid("TANGGAP_SECOND_FACTOR", "sensitive (identities and accounts) or staff (everyone)")
            }
            settings.secondFactorReach = value
        }
        return settings
    }
}

public struct RateLimitSettings: Sendable {
    /// New reports per client address per minute, on every public surface.
    public var submissionsPerMinute = 20
    /// Login and registration attempts per client address per minute.
    public var loginsPerMinute = 10
    /// Replies, confirmations and ratings by secret per client address per minute.
    public var reporterActionsPerMinute = 30
    /// Messages per sender (phone number, chat, address) per minute on each channel.
    public var channelMessagesPerMinute = 10
    /// Comment flags per client address, and again per account, per minute.
    public var flagsPerMinute = 5
    /// Offered report secrets (`X-Report-Secret`, the tracking form) per client address per minute: guessing one
    /// is what this slows down.
    public var secretChecksPerMinute = 30
    /// New reports per Open311 app key per minute: an app speaks for many people, so it gets more than one address.
    public var open311RequestsPerMinute = 120

    public init() {}
}

public enum SettingsError: Error, CustomStringConvertible {
    case invalid(String, String)

    public var description: String {
        switch self {
        case .invalid(let name, let expected): "\(name) is not valid: \(expected)"
        }
    }
}

struct EnvironmentReader {
    let env: [String: String]

    init(_ env: [String: String]) { self.env = env }

    func string(_ name: String) -> String? {
        guard let value = env[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw SettingsError.invalid(name, "a whole number in \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = string(name)?.lowercased() else { return nil }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw SettingsError.invalid(name, "true or false")
        }
    }
}
