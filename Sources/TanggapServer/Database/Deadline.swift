import NIOConcurrencyHelpers

/// Runs `body`, but answers no later than `limit`: past it the caller gets `DatabaseUnavailable` and `body` is
/// left to finish (or not) on its own.
///
/// Why not a task group: a group waits for its children before it returns, and the waits this guards are the
/// ones that may never end (a query written to a connection that had already closed is never answered, see
/// `GroupCommit`). The caller is released by whichever comes first; the other is ignored.
func withDeadline<T: Sendable>(
    _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let answer = Once<T>()
    let work = NIOLockedValueBox<Task<Void, Never>?>(nil)
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            answer.wait(with: continuation)
            let timer = NIOLockedValueBox<Task<Void, Never>?>(nil)
            let task = Task {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                answer.give(result)
                timer.withLockedValue { $0?.cancel() }
            }
            work.withLockedValue { $0 = task }
            timer.withLockedValue { timer in
                timer = Task {
                    guard (try? await Task.sleep(for: limit)) != nil else { return }
                    if answer.give(.failure(DatabaseUnavailable(what: "\(what) took longer than \(limit)"))) { task.cancel() }
                }
            }
        }
    } onCancel: {
        // A caller that is cancelled (a stopping server) stops waiting at once, as it would at the deadline.
        if answer.give(.failure(CancellationError())) { work.withLockedValue { $0?.cancel() } }
    }
}

/// A continuation resumed by the first of several racers, exactly once.
private final class Once<T: Sendable>: Sendable {
    private let continuation = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)

    /// Called before either racer starts, so an answer always finds the continuation.
    func wait(with continuation: CheckedContinuation<T, any Error>) {
        self.continuation.withLockedValue { $0 = continuation }
    }

    /// True when this was the first answer (and the one the caller hears).
    @discardableResult
    func give(_ result: Result<T, any Error>) -> Bool {
        let waiting = continuation.withLockedValue { waiting in
            defer { waiting = nil }
            return waiting
        }
        waiting?.resume(with: result)
        return waiting != nil
    }
}
