import ArgumentParser
import Foundation
import TanggapServer
import Vapor

struct SeedDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed-demo", abstract: "Fill an empty database with a realistic demo.")

    @ArgumentParser.Option(help: "The password of every demo account (default: a new random one, printed).") var password: String?
    @ArgumentParser.Option(help: "How many reports to create.") var reports = 360

    func run() async throws {
        try await Runtime.withApplication { app, _ in
            let summary = try await DemoSeeder.seed(
                context: app.tanggap, resourcesDirectory: app.directory.resourcesDirectory, password: password, reports: reports, on: app.db
            )
            DemoSummaryPrinter.print(summary, url: nil)
        }
    }
}

enum DemoSummaryPrinter {
    static func print(_ summary: DemoSeeder.Summary, url: String?) {
        var lines = ["", "Demo ready: \(summary.reports) reports.", "Every demo account has the password: \(summary.password)", ""]
        for account in summary.accounts {
            lines.append("  \(account.email.padding(toLength: 40, withPad: " ", startingAt: 0)) \(account.roles)")
        }
        if let url {
            lines += [
                "", "Try: curl -s -X POST \(url)/api/v1/auth/tokens -H 'Content-Type: application/json' \\",
                "       -d '{\"email\":\"admin@tanggap.test\",\"password\":\"\(summary.password)\"}'",
            ]
        }
        say(lines.joined(separator: "\n"))
    }
}
