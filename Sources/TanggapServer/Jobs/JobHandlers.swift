import Fluent
import Foundation
import Logging
import SQLKit

/// What a job handler gets: the job, the shared context and the database.
struct JobRun: Sendable {
    let job: ClaimedJob
    let context: TanggapContext
    let db: any Database
    let logger: Logger
    let worker: String
    let now: Date

    func payload<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(job.payload.utf8))
    }
}

typealias JobHandler = @Sendable (JobRun) async throws -> Void

/// The kinds of job Tanggap runs, by name.
enum JobKinds {
    static let emailDigest = "email.digest"
    static let probe = "diagnostic.probe"

    static let handlers: [String: JobHandler] = [
        emailDigest: DigestMail.send,
        Deliveries.jobKind: Deliveries.send,
        AccountNotices.jobKind: AccountNotices.send,
        Open311Dispatch.jobKind: Open311Dispatch.send,
        probe: Probe.run,
    ]
}

/// A job that only records which worker ran it: `tanggap jobs probe` uses it to show the queue hands each job
/// to exactly one worker.
enum Probe {
    struct Payload: Codable { let batch: String }

    static let run: JobHandler = { run in
        // A second run of the same job would break the primary key and fail loudly.
        try await run.db.sql.insert(into: "job_probes").columns("job_id", "worker", "at")
            .values(SQLBind(run.job.id), SQLBind(run.worker), SQLBind(run.now)).run()
    }
}
