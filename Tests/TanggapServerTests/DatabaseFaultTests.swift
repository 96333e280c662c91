import Foundation
import Testing

@testable import TanggapServer

/// The pieces that keep a fault from becoming a hang: the deadline, what counts as which fault, and the servers a
/// database URL names.
@Suite struct DatabaseFaultTests {
    @Test func aDeadlineAnswersWithTheResultInTimeAndWithUnavailableWhenItPasses() async throws {
        #expect(try await withDeadline(.seconds(5), "quick") { 42 } == 42)
        let started = ContinuousClock.now
        await #expect(throws: DatabaseUnavailable.self) {
            try await withDeadline(.milliseconds(200), "never") {
                try await withUnsafeThrowingContinuation { (_: UnsafeContinuation<Int, any Error>) in }
            }
        }
        #expect(ContinuousClock.now - started < .seconds(2))
        // The body's own error is passed on as it is.
        struct Own: Error {}
        await #expect(throws: Own.self) { try await withDeadline(.seconds(5), "failing") { () async throws -> Int in throw Own() } }
    }

    @Test func aCancelledCallerStopsWaitingAtOnce() async throws {
        let waiting = Task {
            try await withDeadline(.seconds(60), "a stop") {
                try await withUnsafeThrowingContinuation { (_: UnsafeContinuation<Int, any Error>) in }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    @Test func aFullDiskIsStorageFullAndOtherErrorsAreNoFault() {
        #expect(DatabaseFault.of(NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))) == .storageFull)
        #expect(DatabaseFault.of(CocoaError(.fileWriteOutOfSpace)) == .storageFull)
        let wrapped = NSError(
            domain: NSCocoaErrorDomain, code: 512, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))])
        #expect(DatabaseFault.of(wrapped) == .storageFull)
        #expect(DatabaseFault.of(NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES))) == nil)
        #expect(DatabaseFault.of(APIError.notFound) == nil)
        #expect(DatabaseFault.isConnectionLoss(DatabaseUnavailable(what: "x")))
        #expect(!DatabaseFault.isConnectionLoss(APIError.notFound))
    }

    @Test func aURLWithSeveralHostsNamesEachServerWithTheSameUserDatabaseAndOptions() {
        let url = "postgres://tanggap:s3cret@db1:5432,db2:5433/lapor?sslmode=require&target_session_attrs=read-write"
        #expect(
            PostgresTargets.split(url) == [
                "postgres://tanggap:s3cret@db1:5432/lapor?sslmode=require&target_session_attrs=read-write",
                "postgres://tanggap:s3cret@db2:5433/lapor?sslmode=require&target_session_attrs=read-write",
            ])
        #expect(PostgresTargets.split("postgres://u@one/db") == ["postgres://u@one/db"])
        #expect(PostgresTargets.split("postgresql://a,b/db") == ["postgresql://a/db", "postgresql://b/db"])
        // A password never reaches a log: the watch names a server by host and port.
        #expect(DatabaseWatch.address("postgres://tanggap:s3cret@db2:5433/lapor") == "db2:5433")
    }
}
