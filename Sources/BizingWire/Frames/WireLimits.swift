/// The documented defaults for everything that arrives from a socket.
public enum WireLimits {
    /// Largest frame payload: 4 MiB.
    public static let defaultMaxFrameSize = 4 << 20
    /// Largest encoded metadata of one CALL_START: 16 KiB.
    public static let defaultMaxMetadataSize = 16 << 10
    /// Largest message after decompression: 4 MiB.
    public static let defaultMaxDecompressedSize = 4 << 20
    /// Messages a peer may send on one call before it needs a WINDOW_UPDATE.
    public static let defaultInitialWindow = 32
    /// Largest method name in a CALL_START.
    public static let maxMethodNameLength = 256
}
