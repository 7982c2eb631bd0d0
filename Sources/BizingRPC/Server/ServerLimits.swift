public import BizingWire

/// Per-connection limits the server enforces and announces in SETTINGS.
public struct ServerLimits: Sendable {
    public var maxFrameSize = WireLimits.defaultMaxFrameSize
    public var maxMetadataSize = WireLimits.defaultMaxMetadataSize
    public var maxMessageSize = WireLimits.defaultMaxDecompressedSize
    /// Calls in flight on one connection.
    public var maxConcurrentCallsPerConnection = 100

    public init() {}

    var settings: Settings {
        Settings(
            maxFrameSize: UInt32(maxFrameSize), maxConcurrentCalls: UInt32(maxConcurrentCallsPerConnection),
            initialWindow: 32, maxMetadataSize: UInt32(maxMetadataSize), maxMessageSize: UInt32(maxMessageSize),
            acceptCompression: ["zlib"])
    }
}
