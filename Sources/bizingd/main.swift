import ArgumentParser
import BizingServer
import Foundation

/// The Bizing server. With no arguments it serves the embedded default:
/// the socket `~/.bizing/bizing.sock` (or `$BIZING_HOME/bizing.sock`, or `$BIZING_SOCKET`).
@main
struct Bizingd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bizingd", abstract: "Serve Bizing over a Unix domain socket.")

    @Option(help: "The socket path (default: $BIZING_SOCKET, else $BIZING_HOME/bizing.sock, else ~/.bizing/bizing.sock).")
    var socket: String?

    @Option(help: "Event loop threads (default: one per core).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let socket, socket.utf8.count > 100 { throw ValidationError("--socket path longer than 100 bytes does not fit a Unix socket address") }
    }

    func run() async throws {
        var configuration = ServerConfiguration()
        if let socket { configuration.socketPath = socket }
        if let threads { configuration.threads = threads }
        let server: BizingServer
        do {
            server = try await BizingServer.start(configuration)
        } catch {
            FileHandle.standardError.write(Data("bizingd: \(error)\n".utf8))
            throw ExitCode(1)
        }
        FileHandle.standardOutput.write(Data("bizingd ready on \(configuration.socketPath)\n".utf8))
        await waitForTermination()
        try await server.stop()
    }

    /// Suspends until SIGINT or SIGTERM.
    private func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            var sources: [any DispatchSourceSignal] = []
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
                source.setEventHandler { if once.claim() { continuation.resume() } }
                source.resume()
                sources.append(source)
            }
            SignalSources.keepAlive(sources)
        }
    }
}

/// Resumes a continuation once, whichever signal comes first.
final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func claim() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}

enum SignalSources {
    nonisolated(unsafe) static var retained: [any DispatchSourceSignal] = []
    static func keepAlive(_ sources: [any DispatchSourceSignal]) { retained = sources }
}
