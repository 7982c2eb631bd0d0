import BizingWire
import Logging
import Synchronization

/// Per-connection limits the server enforces and announces in SETTINGS.
public struct ServerLimits: Sendable {
    public var maxFrameSize = WireLimits.defaultMaxFrameSize
    public var maxMetadataSize = WireLimits.defaultMaxMetadataSize
    public var maxMessageSize = WireLimits.defaultMaxDecompressedSize
    /// Calls in flight on one connection.
    public var maxConcurrentCallsPerConnection = 100
    /// Calls in flight on the whole server.
    public var maxConcurrentCalls = 10_000
    /// Open connections; one more is answered with GOAWAY and closed.
    public var maxConnections = 1024
    /// Responses at least this large are sent zlib-compressed to clients that
    /// accept it; nil never compresses. Over a local socket compression costs
    /// more CPU than the bytes it saves, so only large messages pay it.
    public var compressResponsesAbove: Int? = 64 << 10
    /// The half-frame read timeout: a connection whose preface, or any frame,
    /// has not arrived whole this long after its first byte is closed (the
    /// preface is due from the moment the connection opens). A connection
    /// resting between frames is never closed for being quiet. `nil` turns
    /// the check off.
    public var readTimeout: Duration? = .seconds(10)

    /// The user ids (SO_PEERCRED) whose processes may connect; nil lets
    /// anyone who can open the socket in. Others get GOAWAY
    /// PERMISSION_DENIED and are closed. (The socket's file mode is the first
    /// gate; this one holds even for a group-readable socket.)
    public var allowedPeerUIDs: Set<UInt32>?

    public init() {}

    var settings: Settings {
        Settings(
            maxFrameSize: UInt32(maxFrameSize), maxConcurrentCalls: UInt32(maxConcurrentCallsPerConnection),
            initialWindow: UInt32(WireLimits.defaultInitialWindow), maxMetadataSize: UInt32(maxMetadataSize), maxMessageSize: UInt32(maxMessageSize),
            acceptCompression: ["zlib"])
    }
}

/// What every connection of one server shares.
struct ServerEnvironment: Sendable {
    let registry: MethodRegistry
    let limits: ServerLimits
    let load: ServerLoad
    let interceptors: [any ServerInterceptor]
    let logger: Logger
}

/// Calls in flight across all connections, shared by their handlers.
final class ServerLoad: Sendable {
    private let calls = Atomic<Int>(0)

    /// Takes a slot for a call, or returns false when `limit` are taken.
    func acquireCall(limit: Int) -> Bool {
        while true {
            let current = calls.load(ordering: .relaxed)
            guard current < limit else { return false }
            if calls.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged { return true }
        }
    }

    func releaseCall() {
        calls.subtract(1, ordering: .relaxed)
    }
}
