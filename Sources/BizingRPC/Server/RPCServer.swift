public import NIOCore
public import NIOPosix
import BizingWire

/// Serves a `MethodRegistry` on a Unix domain socket.
public final class RPCServer: Sendable {
    public let socketPath: String
    private let channel: any Channel

    private init(socketPath: String, channel: any Channel) {
        self.socketPath = socketPath
        self.channel = channel
    }

    /// Binds `socketPath` (replacing a stale socket file) and starts accepting.
    public static func start(
        socketPath: String, registry: MethodRegistry, limits: ServerLimits = ServerLimits(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> RPCServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: limits.maxFrameSize)))
                    try pipeline.addHandler(ServerConnectionHandler(registry: registry, limits: limits))
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true)
            .get()
        return RPCServer(socketPath: socketPath, channel: channel)
    }

    /// Stops accepting and closes the listening socket.
    public func stop() async throws {
        try await channel.close()
    }
}
