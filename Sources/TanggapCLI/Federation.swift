import ArgumentParser
import Foundation
import TanggapServer

/// `tanggap federation …`: this instance's identity and keys, and the peers it trusts.
struct Federation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "This instance's federation identity, its signing key, its peers, and their figures.",
        subcommands: [Show.self, RotateKey.self, PeersCommand.self, Figures.self])

    struct Figures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read every peer's published figures now (the server does so every 15 minutes) and print them.")

        func run() async throws {
            try await Runtime.withApplication { app, _ in
                for line in try await TanggapServer.pullFederationFigures(app: app) { say(line) }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the instance id and the fingerprint peers must confirm.")

        func run() async throws {
            try await Runtime.withApplication { app, _ in
                let identity = try await TanggapServer.federationIdentity(app: app)
                say("instance \(identity.instanceID)")
                for key in identity.keys {
                    say("key \(key.id)  \(key.fingerprint)\(key.expiresAt.map { "  (retired, accepted until \($0))" } ?? "")")
                }
            }
        }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Make a new signing key; the old one stays valid for seven days while peers confirm the new one.")

        func run() async throws {
            try await Runtime.withApplication { app, _ in
                let (keyID, fingerprint) = try await TanggapServer.rotateFederationKey(app: app)
                say("new key \(keyID)  \(fingerprint)")
                say("Each peer's admin confirms this fingerprint; the old key is accepted for seven days.")
            }
        }
    }

    struct PeersCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "peers", abstract: "List, add, greet, suspend, resume or remove peers, or send given-up events again.",
            subcommands: [List.self, Add.self, Hello.self, Retry.self, Suspend.self, Resume.self, Remove.self], defaultSubcommand: List.self
        )

        struct List: AsyncParsableCommand {
            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    for peer in try await TanggapServer.federationPeers(app: app) {
                        say(
                            "\(peer.id)  \(peer.status)  \(peer.name)  \(peer.baseURL)  node \(peer.institutionID)  \(peer.fingerprint)"
                                + "  queued \(peer.queued)  given up \(peer.deadLetters)")
                    }
                }
            }
        }

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Fetch a peer's identity and, with --fingerprint matching it, trust it for a node of the tree.",
                discussion:
                    "Run it once without --fingerprint to see the fingerprint; compare it with the peer's admin (by phone, not by the same e-mail), then run it again with --fingerprint."
            )

            @Argument(help: "The peer's base URL, e.g. https://lapor.bojonegorokab.go.id") var url: String
            @Option(help: "The local institution (a node of the tree) that stands for the peer.") var institution: Int64
            @Option(help: "The institution inside the peer that reports go to, if not its top.") var remoteInstitution: Int64?
            @Option(help: "The fingerprint you confirmed with the peer's admin.") var fingerprint: String?

            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    guard let fingerprint else {
                        let preview = try await TanggapServer.previewFederationPeer(url: url, app: app)
                        say("\(preview.name) (\(preview.instanceID)) at \(preview.baseURL)")
                        say("fingerprint \(preview.fingerprint)")
                        say("If the peer's admin reads you the same fingerprint, run again with --fingerprint \"\(preview.fingerprint)\".")
                        return
                    }
                    let peer = try await TanggapServer.addFederationPeer(
                        url: url, institutionID: institution, remoteInstitutionID: remoteInstitution, fingerprint: fingerprint, app: app)
                    say("Added peer \(peer.id): \(peer.name). It accepts nothing from here until its admin adds this instance too.")
                }
            }
        }

        struct Hello: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send the peer a signed greeting: it is accepted only once both sides have added each other.")
            @Argument var id: Int64
            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    say(try await TanggapServer.helloFederationPeer(id, app: app))
                }
            }
        }

        struct Retry: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send the events given up for the peer again, in their order (after it fixed what refused them).")
            @Argument var id: Int64
            func run() async throws {
                try await Runtime.withApplication { app, _ in
                    say("\(try await TanggapServer.retryFederationPeer(id, app: app)) events queued again.")
                }
            }
        }

        struct Suspend: AsyncParsableCommand {
            @Argument var id: Int64
            func run() async throws {
                try await Runtime.withApplication { app, _ in try await TanggapServer.setFederationPeer(id, active: false, app: app) }
            }
        }

        struct Resume: AsyncParsableCommand {
            @Argument var id: Int64
            func run() async throws {
                try await Runtime.withApplication { app, _ in try await TanggapServer.setFederationPeer(id, active: true, app: app) }
            }
        }

        struct Remove: AsyncParsableCommand {
            @Argument var id: Int64
            func run() async throws {
                try await Runtime.withApplication { app, _ in try await TanggapServer.removeFederationPeer(id, app: app) }
            }
        }
    }
}
