import ArgumentParser
import Foundation
import TanggapServer

/// `tanggap`: run the server and look after its data.
@available(macOS 13, *)
public struct TanggapCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tanggap",
        abstract: "Tanggap: public-service complaints, routed to the body that must act, held to its deadlines.",
        discussion: "Configuration comes from TANGGAP_* environment variables; see the README.",
        version: TanggapRelease.version,
        subcommands: [
            Serve.self, Worker.self, Migrate.self, CreateAdmin.self, Import.self, SeedDemo.self, Generate.self, Sweep.self,
            SweepAttachments.self, Recount.self, Evaluate.self, Suggestions.self,
            Jobs.self, Routes.self, Federation.self, Open311.self, BackupCommand.self, RestoreCommand.self, VerifyCommand.self,
        ],
        defaultSubcommand: Serve.self)

    public init() {}
}

/// Parses the command line and runs the command it names.
public func run() async {
    // Called through the async entry point explicitly: the synchronous `main()` would refuse async commands.
    await (TanggapCommand.self as any AsyncParsableCommand.Type).main()
}

/// Writes a line to standard output at once (not held in a buffer until exit), so it shows up in logs and pipes.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
