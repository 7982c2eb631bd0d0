public import BizingRPC
import BizingAPI
import BizingStore
import Foundation
import Catalog
import Scheduling
import Booking
import Identity
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// The composition root: wires the contexts' services to the RPC runtime
/// and owns the socket's folder, file mode and lock, and the database.
public final class BizingServer: Sendable {
    public let configuration: ServerConfiguration
    private let rpc: RPCServer
    private let lock: CombinedLock
    private let store: BizingStore
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let stopped = Mutex(false)
    /// The Booking context's housekeeping (expired holds, old idempotency keys).
    private let janitor: Task<Void, Never>
    /// How often it sweeps.
    static let sweepInterval: Duration = .seconds(30)

    private init(
        configuration: ServerConfiguration, rpc: RPCServer, lock: CombinedLock, store: BizingStore,
        group: MultiThreadedEventLoopGroup, logger: Logger
    ) {
        self.janitor = Task { [logger] in
            await BookingServices(BookingEnvironment(store: store)).janitor.run(every: Self.sweepInterval) { error in
                logger.warning("booking housekeeping failed; retrying at the next sweep", metadata: ["error": "\(error)"])
            }
        }
        self.configuration = configuration
        self.rpc = rpc
        self.lock = lock
        self.store = store
        self.group = group
        self.logger = logger
    }

    /// What runs around every call, outermost first: a debug line per call
    /// (refusals included), call counts and durations for whichever
    /// swift-metrics backend the process bootstraps (none by default), then
    /// the Identity context's token authentication.
    static func interceptors(identity: IdentityServices) -> [any ServerInterceptor] {
        [CallLogging(), CallMetrics(), identity.authentication]
    }

    /// The Identity context on `store`, with the configuration's password and session policies.
    static func identity(store: BizingStore, configuration: ServerConfiguration) -> IdentityServices {
        let workers = PasswordWorkers(hasher: PasswordHasher(parameters: configuration.passwordParameters), limit: configuration.passwordWorkers)
        return IdentityServices(IdentityEnvironment(
            store: store, passwords: workers, sessionPolicy: configuration.sessionPolicy, locations: CatalogLocationDirectory()))
    }

    /// Every method the server answers.
    static func registry(store: BizingStore, identity: IdentityServices, logger: Logger) -> MethodRegistry {
        let system = SystemServer(services: BizingSchema.services) {
            do {
                try await store.check()
                return true
            } catch {
                logger.warning("health: the database does not answer SELECT 1", metadata: ["error": "\(error)"])
                return false
            }
        }
        let catalog = CatalogServices(CatalogEnvironment(store: store))
        let scheduling = SchedulingServices(SchedulingEnvironment(store: store))
        let booking = BookingServices(BookingEnvironment(store: store))
        return MethodRegistry(system.methods + identity.methods + catalog.methods + scheduling.methods + booking.methods)
    }

    /// Creates the socket's folder if missing (0700; 0750 owned by the socket
    /// group when there is one), takes the lock (a live server keeps it: a
    /// second one refuses), opens the database, replaces a stale socket file,
    /// binds, and makes the socket 0600 (0660 owned by the socket group).
    ///
    /// - Throws: `ServerStartError` saying what is wrong: an unknown socket
    ///   group, a folder that cannot be created, another live server, a
    ///   database that cannot be opened, a socket that cannot be bound.
    public static func start(_ configuration: ServerConfiguration, logger: Logger = RPCServer.silentLogger) async throws -> BizingServer {
        var groupID: gid_t?
        if let name = configuration.socketGroup {
            guard let id = ServerConfiguration.groupID(named: name) else {
                throw ServerStartError("the socket group '\(name)' does not exist")
            }
            groupID = id
        }
        try prepareSocketFolder(for: configuration.socketPath, groupID: groupID, groupName: configuration.socketGroup, logger: logger)
        let socketLock = try SocketLock(socketPath: configuration.socketPath)
        let store: BizingStore
        let databaseLock: SocketLock
        do {
            store = try BizingStore.open(path: configuration.databasePath, synchronous: configuration.synchronous, clock: configuration.clock)
        } catch {
            socketLock.release()
            throw ServerStartError(error.description)
        }
        do {
            databaseLock = try SocketLock(guarding: configuration.databasePath, held: "using the database \(configuration.databasePath)", flag: "--db")
        } catch {
            try? store.close()
            socketLock.release()
            throw error
        }
        let lock = CombinedLock(socketLock, databaseLock)
        // Migrate before the socket is bound: a database migrated by a newer
        // bizingd, or one whose migration fails, stops the start.
        do {
            let applied = try await store.migrate()
            for migration in applied {
                logger.info("database migrated", metadata: ["migration": "\(migration.label)"])
            }
        } catch {
            try? store.close()
            lock.release()
            throw ServerStartError(error.description)
        }
        if configuration.seedDemoData {
            do {
                try await DemoData.seedIfEmpty(store, passwordParameters: configuration.passwordParameters, logger: logger)
            } catch {
                try? store.close()
                lock.release()
                throw ServerStartError("seeding the demo data failed: \(error)")
            }
        }
        logger.info("database open", metadata: [
            "path": "\(configuration.databasePath)", "synchronous": "\(configuration.synchronous.rawValue)",
        ])
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        let identity = identity(store: store, configuration: configuration)
        do {
            let rpc = try await RPCServer.start(
                socketPath: configuration.socketPath, registry: registry(store: store, identity: identity, logger: logger),
                limits: configuration.limits, interceptors: interceptors(identity: identity), group: group, logger: logger)
            do {
                try setSocketMode(configuration.socketPath, groupID: groupID, groupName: configuration.socketGroup)
            } catch {
                try? await rpc.stop(drainTimeout: .zero)
                throw error
            }
            logger.info("serving", metadata: [
                "socket": "\(configuration.socketPath)", "threads": "\(max(1, configuration.threads))",
                "socket-group": "\(configuration.socketGroup ?? "-")",
            ])
            return BizingServer(configuration: configuration, rpc: rpc, lock: lock, store: store, group: group, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            try? store.close()
            lock.release()
            throw error
        }
    }

    /// Stops accepting, sends GOAWAY, lets calls in flight finish for up to
    /// `drainTimeout` (default: the configuration's), then closes every
    /// connection and the database and removes the socket file. Stopping
    /// twice does nothing the second time.
    public func stop(drainTimeout: Duration? = nil) async throws {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        try await rpc.stop(drainTimeout: drainTimeout ?? configuration.drainTimeout)
        janitor.cancel()
        await janitor.value
        do {
            try store.close()
        } catch {
            logger.error("closing the database failed", metadata: ["error": "\(error)"])
        }
        try? FileManager.default.removeItem(atPath: configuration.socketPath)
        lock.release()
        try await group.shutdownGracefully()
        logger.info("stopped")
    }

    /// The database, for tests that need to break it.
    var database: BizingStore { store }

    // MARK: Files

    /// Creates the socket's folder when it is missing. The mode of a folder
    /// that already exists is left alone, except the data folder's
    /// (`$BIZING_HOME` or `~/.bizing`, which belongs to Bizing): it follows
    /// the socket group like a new folder does.
    private static func prepareSocketFolder(for socketPath: String, groupID: gid_t?, groupName: String?, logger: Logger) throws {
        let folder = (socketPath as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        var managed = false
        if !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw ServerStartError("cannot create the socket folder \(folder): \(reason(error))")
            }
            managed = true
        } else if Self.samePath(folder, DefaultLocations.dataDirectory) {
            var info = stat()
            managed = stat(folder, &info) == 0 && info.st_uid == geteuid()
        }
        if managed {
            if let groupID {
                guard chown(folder, uid_t.max, groupID) == 0 else {
                    throw ServerStartError("cannot give the socket folder \(folder) to group '\(groupName ?? "")': \(errorText())")
                }
                guard chmod(folder, 0o750) == 0 else { throw ServerStartError("cannot set the mode of \(folder): \(errorText())") }
            } else {
                guard chmod(folder, 0o700) == 0 else { throw ServerStartError("cannot set the mode of \(folder): \(errorText())") }
            }
        } else if let groupID {
            var info = stat()
            if stat(folder, &info) == 0 {
                let groupCanEnter = info.st_gid == groupID && info.st_mode & 0o010 != 0
                if !groupCanEnter && info.st_mode & 0o001 == 0 {
                    logger.warning(
                        "members of the socket group may not reach the socket through its folder; to let them: chgrp \(groupName ?? "") \(folder) && chmod 0750 \(folder)",
                        metadata: ["folder": "\(folder)"])
                }
            }
        }
    }

    private static func setSocketMode(_ path: String, groupID: gid_t?, groupName: String?) throws {
        if let groupID {
            guard chown(path, uid_t.max, groupID) == 0 else {
                throw ServerStartError("cannot give the socket to group '\(groupName ?? "")': \(errorText()) (the user running bizingd must be a member of it)")
            }
        }
        guard chmod(path, groupID == nil ? 0o600 : 0o660) == 0 else {
            throw ServerStartError("cannot set the socket's mode: \(errorText())")
        }
    }

    private static func samePath(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
            == URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    private static func reason(_ error: any Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}

extension BizingServer: Service {
    /// Serves until graceful shutdown is triggered (SIGTERM or SIGINT under
    /// bizingd's `ServiceGroup`), then drains for up to the configuration's
    /// drain timeout and stops. When the task is cancelled instead, stops
    /// without waiting for calls in flight.
    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            logger.info("cancelled: stopping without draining")
            try await stop(drainTimeout: .zero)
            return
        }
        logger.info("graceful shutdown: draining calls in flight", metadata: ["drain-timeout": "\(configuration.drainTimeout)"])
        try await stop()
    }
}

/// Runs the server as a `Service`: starts it when the service group runs it
/// (after the group has installed its signal handlers, so a signal is never
/// missed), calls `onReady` once the socket accepts calls, serves until
/// graceful shutdown, then drains and stops. A start failure is thrown from
/// `run()`.
public struct BizingService: Service, CustomStringConvertible {
    public let configuration: ServerConfiguration
    private let logger: Logger
    private let onReady: @Sendable (BizingServer) -> Void

    public init(configuration: ServerConfiguration, logger: Logger, onReady: @escaping @Sendable (BizingServer) -> Void = { _ in }) {
        self.configuration = configuration
        self.logger = logger
        self.onReady = onReady
    }

    /// How ServiceLifecycle names it in logs.
    public var description: String { "BizingService(\(configuration.socketPath))" }

    public func run() async throws {
        let server = try await BizingServer.start(configuration, logger: logger)
        onReady(server)
        try await server.run()
    }
}

public struct ServerStartError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// An exclusive `flock` on `<path>.lock`, held while the server lives. The
/// server takes one for its socket (a second server refuses to serve it) and
/// one for its database (a second server refuses to open it, even on another
/// socket). The kernel drops them when the process dies, so a crashed
/// server's socket file is replaced by the next one. The database's lock is
/// a separate file: an `flock` on the database itself would not clash with
/// SQLite's `fcntl` locks, but closing that descriptor would drop them.
final class SocketLock: Sendable {
    private let descriptor: Int32

    /// - Parameters:
    ///   - held: what the holder is doing, for the refusal ("serving /x.sock").
    ///   - flag: the option that chooses another path.
    init(guarding guarded: String, held: String, flag: String) throws {
        let path = guarded + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ServerStartError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ServerStartError("another bizingd is already \(held) (it holds \(path)); stop it or choose another \(flag)")
        }
        descriptor = fd
    }

    convenience init(socketPath: String) throws {
        try self.init(guarding: socketPath, held: "serving \(socketPath)", flag: "--socket")
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// The server's locks, released together.
struct CombinedLock: Sendable {
    let locks: [SocketLock]
    init(_ locks: SocketLock...) { self.locks = locks }
    func release() { locks.forEach { $0.release() } }
}
