import ArgumentParser
import TanggapServer

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the suggested categories, institutions and duplicates on this instance's own history.",
        discussion: """
            Trains on the older reports and tests on the newest (a split in time, so nothing tested taught the model), \
            and prints category top-1/top-3, institution top-1/top-5 beside a baseline (the most frequent choice for the \
            region and category), duplicate precision@5 and recall against the merges staff made, and the time per suggestion.
            """)

    @ArgumentParser.Option(help: "The share of the newest reports tested.") var testShare = 0.2
    @ArgumentParser.Option(help: "Test at most this many reports (spread over the tested period).") var mostTested = 5_000
    @ArgumentParser.Flag(help: "Print the figures as JSON.") var json = false

    func validate() throws {
        guard testShare > 0, testShare < 1 else { throw ValidationError("--test-share: between 0 and 1") }
        guard mostTested > 0 else { throw ValidationError("--most-tested: at least 1") }
    }

    func run() async throws {
        try await Runtime.withApplication(migrate: false) { app, _ in
            say(try await TanggapServer.evaluateSuggestions(testShare: testShare, mostTested: mostTested, json: json, app: app))
        }
    }
}

struct Suggestions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look after the model behind the suggestions.", subcommands: [Train.self])

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Learn a new model from the newest dispatched reports now (the worker does it daily); servers load it within a minute.")

        func run() async throws {
            try await Runtime.withApplication(migrate: false) { app, _ in
                if let trained = try await TanggapServer.trainSuggestions(app: app) {
                    say("Suggestion model \(trained).")
                } else {
                    say("Not enough history yet: a model needs at least 50 dispatched reports.")
                }
            }
        }
    }
}
