import NIOCore
import NIOPosix
import TanggapCLI

// Async code runs on NIO's event loops instead of a thread pool of its own: a request's steps then stay on the
// loop that reads and answers it instead of switching threads at every `await` (a quarter of intake's CPU went
// to those switches, and `/healthz` answers half as many again). It must come before the first `await`.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
await TanggapCLI.run()
