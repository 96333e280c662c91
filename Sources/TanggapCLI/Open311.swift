import ArgumentParser
import Foundation
import TanggapServer

/// `tanggap open311 keys …`: the civic-tech apps allowed to file reports over Open311, one key each.
struct Open311: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The apps that file reports over Open311 GeoReport v2, and the bodies' Open311 systems reports are sent to.",
        subcommands: [Keys.self, Endpoints.self])

    struct Endpoints: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Nodes of the tree whose own system takes reports over Open311: a report dispatched there is sent to it.",
            subcommands: [List.self, Add.self, Map.self, Retry.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    for endpoint in try await TanggapServer.open311Endpoints(app: app) {
                        let success = endpoint.lastSuccessAt.map { "last success \($0.formatted(.iso8601))" } ?? "never reached"
                        say(
                            "node \(endpoint.institutionID)  \(endpoint.institution)  \(endpoint.baseURL)  queued \(endpoint.queued)  "
                                + "followed \(endpoint.followed)  refused \(endpoint.failed)  \(success)"
                                + (endpoint.lastError.map { "  last error: \($0)" } ?? ""))
                    }
                }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Read the body's services.json and send the reports dispatched to a node there.",
                discussion: "Each category goes to the body's service of the same name; map the others with `map`.")
            @Argument(help: "The body's Open311 base URL, e.g. https://crm.kotakita.go.id/open311/v2") var url: String
            @Option(help: "The local institution (a node of the tree) that stands for the body.") var institution: Int64
            @Option(help: "The api_key the body issued to this deployment.") var apiKey: String
            @Option(help: "The body's jurisdiction_id, if it asks for one.") var jurisdiction: String?
            @Option(help: "The body's service for categories without one of the same name.") var defaultService: String?
            @Flag(help: "Send the reporter's name and contacts (never for an anonim report).") var sendContacts = false

            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    let unmapped = try await TanggapServer.addOpen311Endpoint(
                        url: url, institutionID: institution, apiKey: apiKey, jurisdiction: jurisdiction, sendsContacts: sendContacts,
                        defaultService: defaultService, app: app)
                    say("Node \(institution) now sends its reports to \(url). Categories without a service of the same name: \(unmapped).")
                }
            }
        }

        struct Map: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Send one category to one of the body's services.")
            @Argument var institution: Int64
            @Option var category: Int64
            @Option var service: String

            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    try await TanggapServer.mapOpen311Service(
                        institutionID: institution, categoryID: category, serviceCode: service, app: app)
                }
            }
        }

        struct Retry: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Send the reports the body refused again, after fixing why.")
            @Argument var institution: Int64

            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    say("\(try await TanggapServer.retryOpen311Endpoint(institutionID: institution, app: app)) reports queued again.")
                }
            }
        }
    }

    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, add or revoke the apps' keys.", subcommands: [List.self, Add.self, Revoke.self], defaultSubcommand: List.self)

        struct List: AsyncParsableCommand {
            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    for client in try await TanggapServer.open311Apps(app: app) {
                        let state = client.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "active"
                        let used = client.lastUsedAt.map { "last used \($0.formatted(.iso8601))" } ?? "never used"
                        say("\(client.name)  \(state)  \(used)  \(client.reportsFiled) reports")
                    }
                }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Issue a key for an app; it is shown once, here.")
            @Argument(help: "The app's name, as its reports' channel will show it (e.g. FixMyStreet).") var name: String

            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    let (client, key) = try await TanggapServer.issueOpen311Key(name: name, app: app)
                    say("api_key for \(client.name): \(key)")
                    say("It is shown only now; Tanggap keeps only its digest. Give it to the app's developers over a safe channel.")
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke an app's key: its next request is refused.")
            @Argument var name: String

            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    let client = try await TanggapServer.revokeOpen311Key(name: name, app: app)
                    say("Revoked the key of \(client.name).")
                }
            }
        }
    }
}
