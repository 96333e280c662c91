import NIOCore

/// Runs work on one event loop, for `withTaskExecutorPreference`: code that is not tied to an actor (the
/// database drivers' async calls) then carries on where it was instead of on whichever thread is free.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
