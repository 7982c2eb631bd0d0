import Foundation

/// Where the embedded default keeps its files; the server and every client
/// find the socket the same way.
public enum DefaultLocations {
    /// `$BIZING_HOME`, else `~/.bizing`.
    public static var dataDirectory: String {
        if let home = ProcessInfo.processInfo.environment["BIZING_HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".bizing").path
    }

    /// `$BIZING_SOCKET`, else `<data folder>/bizing.sock`.
    public static var socketPath: String {
        if let socket = ProcessInfo.processInfo.environment["BIZING_SOCKET"], !socket.isEmpty { return socket }
        return dataDirectory + "/bizing.sock"
    }
}
