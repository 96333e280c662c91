import TanggapCLI

await TanggapCLI.run()
