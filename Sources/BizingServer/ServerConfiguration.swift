import Foundation

/// Where the server keeps its socket and database, and how it runs.
public struct ServerConfiguration: Sendable {
    /// The folder the embedded default uses: `$BIZING_HOME`, else `~/.bizing`.
    public static var defaultDataDirectory: String {
        if let home = ProcessInfo.processInfo.environment["BIZING_HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".bizing").path
    }

    /// `$BIZING_SOCKET`, else `<data folder>/bizing.sock`.
    public static var defaultSocketPath: String {
        if let socket = ProcessInfo.processInfo.environment["BIZING_SOCKET"], !socket.isEmpty { return socket }
        return defaultDataDirectory + "/bizing.sock"
    }

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
