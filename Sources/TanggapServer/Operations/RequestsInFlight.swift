import NIOConcurrencyHelpers
import Vapor

/// A stopping server finishes the requests it has begun before it lets go of its database. On a stop Vapor shuts
/// down what the application holds, its databases among them, without waiting for requests still at work: one
/// (a report waiting for its group's commit, a page halfway through its queries) found no database and ended the
/// process with a crash. The server keeps listening until after this wait: what comes meanwhile is answered 503
/// with Retry-After and `Connection: close`, so that a load balancer sends it elsewhere, and the wait is only for
/// work already begun (under load it otherwise never reached zero and a stop took the whole patience and more).
final class RequestsInFlight: AsyncMiddleware, LifecycleHandler, Sendable {
    private let count = NIOLockedValueBox(0)
    private let stopping = NIOLockedValueBox(false)
    /// How long a stop waits for the last requests; a stop is not held up for ever by one that hangs.
    private let patience: Duration

    init(patience: Duration = .seconds(10)) {
        self.patience = patience
    }

    var current: Int { count.withLockedValue { $0 } }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if stopping.withLockedValue({ $0 }) {
            // This middleware comes before the error middleware: the refusal is answered here, in its shape.
            return TanggapErrorMiddleware.response(
                for: APIError(
                    status: .serviceUnavailable, code: "shutting_down",
                    headers: [
                        "Retry-After": String(DatabaseFault.retryAfterSeconds), "Connection": "close",
                    ]), on: request)
        }
        count.withLockedValue { $0 += 1 }
        defer { count.withLockedValue { $0 -= 1 } }
        return try await next.respond(to: request)
    }

    func shutdownAsync(_ application: Application) async {
        stopping.withLockedValue { $0 = true }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: patience)
        while current > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if current > 0 { application.logger.warning("stopped with requests unfinished", metadata: ["requests": "\(current)"]) }
    }
}
