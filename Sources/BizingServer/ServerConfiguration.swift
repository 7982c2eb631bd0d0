import BizingRPC
import Foundation

/// Where the server keeps its socket and database, and how it runs.
public struct ServerConfiguration: Sendable {
    public static var defaultSocketPath: String { DefaultLocations.socketPath }

    /// One event loop per core.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    public var socketPath: String
    /// Event loop threads; defaults to one per core.
    public var threads: Int

    public init(socketPath: String = ServerConfiguration.defaultSocketPath, threads: Int = ServerConfiguration.defaultThreads) {
        self.socketPath = socketPath
        self.threads = threads
    }
}
