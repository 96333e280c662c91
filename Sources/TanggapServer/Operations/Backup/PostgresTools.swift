import Foundation

/// `pg_dump` and `pg_restore`, the PostgreSQL client's own tools: a custom-format dump is what every PostgreSQL
/// operator already knows how to read, check and restore by hand.
enum PostgresTools {
    /// Runs `tool` with `arguments`; its output is returned, or thrown with the tool's name when it fails.
    static func run(_ tool: String, _ arguments: [String]) async throws -> String {
        guard let executable = locate(tool) else { throw BackupError.toolMissing(tool, package: "postgresql-client") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let finished: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard finished == 0 else { throw BackupError.toolFailed(tool, String(text.suffix(2_000))) }
        return text
    }

    private static func locate(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
