public import NIOCore
public import NIOPosix
public import Logging
import BizingWire
import Synchronization

/// Asks a connection to drain: GOAWAY, refuse new calls, close when idle.
struct DrainRequest: Sendable {}

/// Serves a `MethodRegistry` on a Unix domain socket.
public final class RPCServer: Sendable {
    public let socketPath: String
    private let channel: any Channel
    private let connections: Connections
    private let logger: Logger

    /// The open client connections, so shutdown can drain them.
    final class Connections: Sendable {
        private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

        func add(_ channel: any Channel) {
            channels.withLock { $0[ObjectIdentifier(channel)] = channel }
            channel.closeFuture.whenComplete { [self] _ in
                _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
            }
        }

        func remove(_ channel: any Channel) {
            _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }

        var all: [any Channel] { channels.withLock { Array($0.values) } }
        var count: Int { channels.withLock { $0.count } }
    }

    private init(socketPath: String, channel: any Channel, connections: Connections, logger: Logger) {
        self.socketPath = socketPath
        self.channel = channel
        self.connections = connections
        self.logger = logger
    }

    /// A logger that drops everything: the default when none is given.
    public static let silentLogger = Logger(label: "bizing.rpc", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Binds `socketPath` (replacing a stale socket file) and starts accepting.
    /// - Parameters:
    ///   - interceptors: run around every call, the first outermost.
    ///   - logger: connection events, and each call's logger (labelled with its request id).
    public static func start(
        socketPath: String, registry: MethodRegistry, limits: ServerLimits = ServerLimits(),
        interceptors: [any ServerInterceptor] = [],
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = RPCServer.silentLogger
    ) async throws -> RPCServer {
        let connections = Connections()
        let environment = ServerEnvironment(
            registry: registry, limits: limits, load: ServerLoad(), interceptors: interceptors, logger: logger)
        // Generated request ids are `<process>-<connection>-<call>`: unique
        // across restarts without a UUID per call.
        let processTag = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16)
        let connectionNumbers = Atomic<UInt64>(0)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                let refusal = connections.count >= limits.maxConnections
                    ? "the server has \(limits.maxConnections) connections open" : nil
                if refusal == nil { connections.add(channel) }
                let number = connectionNumbers.wrappingAdd(1, ordering: .relaxed).newValue
                return PeerCredentials.of(channel).flatMapThrowing { peer in
                    let uid = peer.map { "\($0.uid)" } ?? "?"
                    var refusal = refusal.map { ConnectionRefusal(code: .resourceExhausted, reason: $0) }
                    if let allowed = limits.allowedPeerUIDs, !(peer.map { allowed.contains($0.uid) } ?? false) {
                        refusal = ConnectionRefusal(code: .permissionDenied, reason: "user id \(uid) may not connect to this server")
                        connections.remove(channel)
                    }
                    if let refusal {
                        logger.warning("connection refused", metadata: ["reason": "\(refusal.reason)", "peer-uid": "\(uid)"])
                    } else {
                        logger.debug("connection opened", metadata: ["connection": "\(number)", "peer-uid": "\(uid)"])
                        channel.closeFuture.whenComplete { _ in logger.debug("connection closed", metadata: ["connection": "\(number)"]) }
                    }
                    let pipeline = channel.pipeline.syncOperations
                    if let readTimeout = limits.readTimeout {
                        try pipeline.addHandler(FrameProgressWatch(timeout: TimeAmount(readTimeout), logger: logger))
                    }
                    try pipeline.addHandler(ServerConnectionHandler(
                        environment: environment, peer: peer, connectionTag: "\(processTag)-\(number)", refusal: refusal))
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true)
            .get()
        logger.info("listening", metadata: ["socket": "\(socketPath)"])
        return RPCServer(socketPath: socketPath, channel: channel, connections: connections, logger: logger)
    }

    /// Stops accepting, sends every connection GOAWAY, lets calls in flight
    /// finish for up to `drainTimeout`, then closes whatever is left.
    public func stop(drainTimeout: Duration = .seconds(10)) async throws {
        try await channel.close()
        let open = connections.all
        logger.info("stopped accepting; draining", metadata: ["connections": "\(open.count)", "drain-timeout": "\(drainTimeout)"])
        for connection in open {
            connection.pipeline.fireUserInboundEventTriggered(DrainRequest())
        }
        let deadline = ContinuousClock.now + drainTimeout
        var forced = 0
        for connection in open {
            while connection.isActive && ContinuousClock.now < deadline && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(5))
            }
            if connection.isActive {
                forced += 1
                try? await connection.close()
            }
        }
        if forced > 0 {
            logger.warning("drain timeout passed: closed connections with calls still in flight", metadata: ["connections": "\(forced)"])
        } else {
            logger.info("drained", metadata: ["connections": "\(open.count)"])
        }
    }
}
