import ArgumentParser
import Foundation
import Vapor

/// `tanggap routes`: every route the application registers, one `METHOD /path/:parameter` a line — what the
/// end-to-end identity walker requests, so that a new route is covered the day it is added.
struct Routes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every route the server registers.")

    func run() async throws {
        try await Runtime.withApplication(migrate: true) { app, _ in
            let lines = app.routes.all.map { route in
                "\(route.method.rawValue) /" + route.path.map(\.description).joined(separator: "/")
            }
            for line in Set(lines).sorted() { say(line) }
        }
    }
}
