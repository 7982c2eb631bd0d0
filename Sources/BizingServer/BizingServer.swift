import BizingRPC
import BizingAPI
import Foundation
import NIOCore
import NIOPosix

/// The composition root: wires the contexts' services to the RPC runtime
/// and owns the socket's folder, file mode and lock.
public final class BizingServer: Sendable {
    public let configuration: ServerConfiguration
    private let rpc: RPCServer
    private let lock: SocketLock
    private let group: MultiThreadedEventLoopGroup

    private init(configuration: ServerConfiguration, rpc: RPCServer, lock: SocketLock, group: MultiThreadedEventLoopGroup) {
        self.configuration = configuration
        self.rpc = rpc
        self.lock = lock
        self.group = group
    }

    /// Every method the server answers.
    static func registry() -> MethodRegistry {
        MethodRegistry(SystemServer(services: BizingSchema.services).methods)
    }

    /// Creates the socket's folder (0700) if missing, takes the lock (a live
    /// server keeps it: a second one refuses), replaces a stale socket file,
    /// binds, and makes the socket 0600.
    public static func start(_ configuration: ServerConfiguration) async throws -> BizingServer {
        let folder = (configuration.socketPath as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let lock = try SocketLock(socketPath: configuration.socketPath)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        do {
            let rpc = try await RPCServer.start(socketPath: configuration.socketPath, registry: registry(), group: group)
            guard chmod(configuration.socketPath, 0o600) == 0 else {
                throw ServerStartError("cannot set the socket's mode: \(String(cString: strerror(errno)))")
            }
            return BizingServer(configuration: configuration, rpc: rpc, lock: lock, group: group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    public func stop() async throws {
        try await rpc.stop()
        try? FileManager.default.removeItem(atPath: configuration.socketPath)
        lock.release()
        try await group.shutdownGracefully()
    }
}

public struct ServerStartError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// An exclusive `flock` on `<socket>.lock`, held while the server lives. The
/// kernel drops it when the process dies, so a crashed server's socket file
/// is replaced by the next one, while a live one keeps a second out.
final class SocketLock: Sendable {
    private let descriptor: Int32

    init(socketPath: String) throws {
        let path = socketPath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ServerStartError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ServerStartError("another bizingd is already serving \(socketPath) (it holds \(path)); stop it or choose another --socket")
        }
        descriptor = fd
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
