public import NIOCore
public import NIOPosix
import BizingWire
import Synchronization
public import Logging

/// Asks a connection to drain: GOAWAY, refuse new calls, close when idle.
struct DrainRequest: Sendable {}

/// Serves a `MethodRegistry` on a Unix domain socket.
public final class RPCServer: Sendable {
    public let socketPath: String
    private let channel: any Channel
    private let connections: Connections

    /// The open client connections, so shutdown can drain them.
    final class Connections: Sendable {
        private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

        func add(_ channel: any Channel) {
            channels.withLock { $0[ObjectIdentifier(channel)] = channel }
            channel.closeFuture.whenComplete { [self] _ in
                _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
            }
        }

        var all: [any Channel] { channels.withLock { Array($0.values) } }
        var count: Int { channels.withLock { $0.count } }
    }

    private init(socketPath: String, channel: any Channel, connections: Connections) {
        self.socketPath = socketPath
        self.channel = channel
        self.connections = connections
    }

    /// Binds `socketPath` (replacing a stale socket file) and starts accepting.
    /// - Parameters:
    ///   - interceptors: run around every call, the first outermost.
    ///   - logger: connection events, and each call's logger (labelled with its request id).
    public static func start(
        socketPath: String, registry: MethodRegistry, limits: ServerLimits = ServerLimits(),
        interceptors: [any ServerInterceptor] = [], logger: Logger = Logger(label: "bizing.rpc"),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
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
                    if let refusal {
                        logger.warning("connection refused", metadata: ["reason": "\(refusal)", "peer-uid": "\(uid)"])
                    } else {
                        logger.debug("connection opened", metadata: ["connection": "\(number)", "peer-uid": "\(uid)"])
                    }
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: limits.maxFrameSize)))
                    try pipeline.addHandler(ServerConnectionHandler(
                        environment: environment, peer: peer, connectionTag: "\(processTag)-\(number)", refusal: refusal))
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true)
            .get()
        return RPCServer(socketPath: socketPath, channel: channel, connections: connections)
    }

    /// Stops accepting, sends every connection GOAWAY, lets calls in flight
    /// finish for up to `drainTimeout`, then closes whatever is left.
    public func stop(drainTimeout: Duration = .seconds(10)) async throws {
        try await channel.close()
        let open = connections.all
        for connection in open {
            connection.pipeline.fireUserInboundEventTriggered(DrainRequest())
        }
        let deadline = ContinuousClock.now + drainTimeout
        for connection in open {
            while connection.isActive && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(5))
            }
            if connection.isActive { try? await connection.close() }
        }
    }
}
