public import NIOCore

/// The kind of a frame. A struct so that frame types a newer peer sends are
/// carried (and ignored) instead of failing the decoder.
public struct FrameType: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Connection settings; each side's first frame after the preface.
    public static let settings = FrameType(rawValue: 0x0)
    /// Client opens a call: method, metadata, timeout.
    public static let callStart = FrameType(rawValue: 0x1)
    /// One request or response message.
    public static let message = FrameType(rawValue: 0x2)
    /// Server ends a call: status and trailing metadata.
    public static let callEnd = FrameType(rawValue: 0x3)
    /// Client abandons a call.
    public static let cancel = FrameType(rawValue: 0x4)
    /// Liveness check, answered with the ACK flag.
    public static let ping = FrameType(rawValue: 0x5)
    /// The sender stops accepting calls, with the last call it will process.
    public static let goAway = FrameType(rawValue: 0x6)
    /// Grants the sender of a call's messages more credit.
    public static let windowUpdate = FrameType(rawValue: 0x7)

    public var description: String {
        switch self {
        case .settings: "SETTINGS"
        case .callStart: "CALL_START"
        case .message: "MESSAGE"
        case .callEnd: "CALL_END"
        case .cancel: "CANCEL"
        case .ping: "PING"
        case .goAway: "GOAWAY"
        case .windowUpdate: "WINDOW_UPDATE"
        default: "UNKNOWN(0x\(String(rawValue, radix: 16)))"
        }
    }
}

/// Frame flags; their meaning depends on the frame type.
public struct FrameFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// CALL_START or MESSAGE: the sender sends no more messages on this call.
    public static let endStream = FrameFlags(rawValue: 0x01)
    /// MESSAGE: the payload is a zlib stream.
    public static let compressed = FrameFlags(rawValue: 0x02)
    /// PING: this is the answer.
    public static let ack = FrameFlags(rawValue: 0x01)
}

/// One frame: a 10-byte header (payload length, type, flags, call id, all
/// big-endian) and its payload.
public struct Frame: Hashable, Sendable {
    public static let headerSize = 10

    public var type: FrameType
    public var flags: FrameFlags
    /// 0 for connection-level frames (SETTINGS, PING, GOAWAY).
    public var callID: UInt32
    public var payload: ByteBuffer

    public init(type: FrameType, flags: FrameFlags = [], callID: UInt32, payload: ByteBuffer = ByteBuffer()) {
        self.type = type
        self.flags = flags
        self.callID = callID
        self.payload = payload
    }

    /// Appends the frame's header and payload to `buffer`.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt32(payload.readableBytes))
        buffer.writeInteger(type.rawValue)
        buffer.writeInteger(flags.rawValue)
        buffer.writeInteger(callID)
        buffer.writeImmutableBuffer(payload)
    }
}
