public import BizingRPC
public import BizingStore
public import Foundation
public import Identity
#if canImport(Glibc)
import Glibc
#endif

/// Where the server keeps its socket and database, and how it runs.
public struct ServerConfiguration: Sendable {
    /// `$BIZING_SOCKET`, else `<data folder>/bizing.sock`.
    public static var defaultSocketPath: String { DefaultLocations.socketPath }

    /// `<data folder>/bizing.sqlite`: the data folder is `$BIZING_HOME`, else `~/.bizing`.
    public static var defaultDatabasePath: String { DefaultLocations.dataDirectory + "/bizing.sqlite" }

    /// One event loop per core.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    public static let defaultDrainTimeout: Duration = .seconds(10)

    public var socketPath: String
    /// The SQLite database file.
    public var databasePath: String
    /// Event loop threads; defaults to one per core.
    public var threads: Int
    /// A group whose members may connect: the socket becomes 0660 owned by
    /// that group (and a socket folder bizingd manages 0750 with it). `nil`:
    /// the socket is 0600, its folder 0700.
    public var socketGroup: String?
    /// On shutdown, how long calls in flight may take to finish before their
    /// connections are closed.
    public var drainTimeout: Duration
    /// Connection, call and read-timeout limits.
    public var limits: ServerLimits
    /// How the database syncs commits: `.full` (an acknowledged write
    /// survives a power cut) unless set to `.normal`.
    public var synchronous: SynchronousMode = .full
    /// The time for every timestamp, id and expiry; tests pass a `TestClock`.
    public var clock: any Clock = SystemClock()
    /// What new password hashes are made with (OWASP's scrypt minimum);
    /// tests lower it to keep the suite fast.
    public var passwordParameters: ScryptParameters = .default
    /// How many password derivations run at once: each holds 128 MiB and a
    /// core for about half a second at the default parameters.
    public var passwordWorkers: Int = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
    /// How long a session token from SignIn lasts.
    public var sessionPolicy: SessionPolicy = .default
    /// Whether an empty database gets the demo organization and its users
    /// (`DemoData`) at start. `bizingd` turns it on for the embedded default.
    public var seedDemoData = false

    /// - Parameter databasePath: the database file; `nil` puts `bizing.sqlite`
    ///   in the socket's folder (which is the data folder unless the socket
    ///   path was given). `bizingd` always passes one: `--db`, else
    ///   `defaultDatabasePath`.
    public init(
        socketPath: String = ServerConfiguration.defaultSocketPath,
        databasePath: String? = nil,
        threads: Int = ServerConfiguration.defaultThreads,
        socketGroup: String? = nil,
        drainTimeout: Duration = ServerConfiguration.defaultDrainTimeout,
        limits: ServerLimits = ServerLimits()
    ) {
        self.socketPath = socketPath
        self.databasePath = databasePath
            ?? ((socketPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("bizing.sqlite")
        self.threads = threads
        self.socketGroup = socketGroup
        self.drainTimeout = drainTimeout
        self.limits = limits
    }

    /// The numeric id of the group `name`, or nil when there is no such group.
    public static func groupID(named name: String) -> gid_t? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var size = 1024
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getgrnam_r(name, &entry, &buffer, size, &result)
            if status == ERANGE && size < 1 << 20 {
                size *= 2
                continue
            }
            guard status == 0, result != nil else { return nil }
            return entry.gr_gid
        }
    }
}
