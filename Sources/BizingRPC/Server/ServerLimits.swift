import BizingWire
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
    /// The half-frame read timeout: a connection whose preface, or any frame,
    /// has not arrived whole this long after its first byte is closed (the
    /// preface is due from the moment the connection opens). A connection
    /// resting between frames is never closed for being quiet. `nil` turns
    /// the check off.
    public var readTimeout: Duration? = .seconds(10)

    public init() {}

    var settings: Settings {
        Settings(
            maxFrameSize: UInt32(maxFrameSize), maxConcurrentCalls: UInt32(maxConcurrentCallsPerConnection),
            initialWindow: 32, maxMetadataSize: UInt32(maxMetadataSize), maxMessageSize: UInt32(maxMessageSize),
            acceptCompression: ["zlib"])
    }
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

    var callsInFlight: Int { calls.load(ordering: .relaxed) }
}
