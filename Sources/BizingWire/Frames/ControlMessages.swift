public import struct Foundation.Data

/// The payloads of the control frames, as protobuf messages. Their schema
/// is `docs/protocol/rpc.proto` (package `bizing.rpc.v1`), so a client in any
/// language encodes them with its own protobuf runtime.

/// SETTINGS: what the sender accepts. Zero means "the documented default".
public struct Settings: Codable, Hashable, Sendable {
    public var maxFrameSize: UInt32
    public var maxConcurrentCalls: UInt32
    /// Messages the peer may send on one call before it needs a WINDOW_UPDATE.
    public var initialWindow: UInt32
    public var maxMetadataSize: UInt32
    public var maxMessageSize: UInt32
    /// Compression schemes the sender can inflate; `zlib` is the only one defined.
    public var acceptCompression: [String]

    public init(
        maxFrameSize: UInt32 = 0, maxConcurrentCalls: UInt32 = 0, initialWindow: UInt32 = 0,
        maxMetadataSize: UInt32 = 0, maxMessageSize: UInt32 = 0, acceptCompression: [String] = []
    ) {
        self.maxFrameSize = maxFrameSize
        self.maxConcurrentCalls = maxConcurrentCalls
        self.initialWindow = initialWindow
        self.maxMetadataSize = maxMetadataSize
        self.maxMessageSize = maxMessageSize
        self.acceptCompression = acceptCompression
    }

    enum CodingKeys: Int, CodingKey {
        case maxFrameSize = 1, maxConcurrentCalls = 2, initialWindow = 3
        case maxMetadataSize = 4, maxMessageSize = 5, acceptCompression = 6
    }
}

/// One metadata entry. Keys are lowercase ASCII; keys ending in `-bin`
/// carry `binaryValue`, all others `value`.
public struct MetadataEntry: Codable, Hashable, Sendable {
    public var key: String
    public var value: String
    public var binaryValue: Data

    public init(key: String, value: String) {
        self.key = key
        self.value = value
        self.binaryValue = Data()
    }

    public init(key: String, binaryValue: Data) {
        self.key = key
        self.value = ""
        self.binaryValue = binaryValue
    }

    enum CodingKeys: Int, CodingKey {
        case key = 1, value = 2, binaryValue = 3
    }

    /// Whether the key is well formed: 1...128 characters of `a-z 0-9 - _ .`.
    public var hasValidKey: Bool {
        !key.isEmpty && key.utf8.count <= 128
            && key.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }
}

/// CALL_START: opens a call.
public struct CallStart: Codable, Hashable, Sendable {
    /// `package.Service/Method`, e.g. `bizing.booking.v1.Booking/CreateBooking`.
    public var method: String
    public var metadata: [MetadataEntry]
    /// The call's deadline, relative to when the server reads this frame; 0 means none.
    public var timeoutMicros: UInt64

    public init(method: String, metadata: [MetadataEntry] = [], timeoutMicros: UInt64 = 0) {
        self.method = method
        self.metadata = metadata
        self.timeoutMicros = timeoutMicros
    }

    enum CodingKeys: Int, CodingKey {
        case method = 1, metadata = 2, timeoutMicros = 3
    }
}

/// CALL_END: the call's status and trailing metadata; nothing follows it.
public struct CallEnd: Codable, Hashable, Sendable {
    public var status: RPCStatus
    public var trailers: [MetadataEntry]

    public init(status: RPCStatus, trailers: [MetadataEntry] = []) {
        self.status = status
        self.trailers = trailers
    }

    enum CodingKeys: Int, CodingKey {
        case code = 1, message = 2, details = 3, trailers = 4
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = RPCStatus(
            try container.decode(StatusCode.self, forKey: .code),
            try container.decode(String.self, forKey: .message),
            details: try container.decode(StatusDetails.self, forKey: .details))
        trailers = try container.decode([MetadataEntry].self, forKey: .trailers)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status.code, forKey: .code)
        try container.encode(status.message, forKey: .message)
        if status.details != StatusDetails() {
            try container.encode(status.details, forKey: .details)
        }
        try container.encode(trailers, forKey: .trailers)
    }
}

/// GOAWAY: the sender accepts no new calls; calls up to `lastCallID` finish.
public struct GoAway: Codable, Hashable, Sendable {
    public var lastCallID: UInt32
    public var code: StatusCode
    public var reason: String

    public init(lastCallID: UInt32, code: StatusCode, reason: String) {
        self.lastCallID = lastCallID
        self.code = code
        self.reason = reason
    }

    enum CodingKeys: Int, CodingKey {
        case lastCallID = 1, code = 2, reason = 3
    }
}

/// WINDOW_UPDATE: the receiver of a call's messages grants this many more.
public struct WindowUpdate: Codable, Hashable, Sendable {
    public var increment: UInt32

    public init(increment: UInt32) { self.increment = increment }

    enum CodingKeys: Int, CodingKey {
        case increment = 1
    }
}

/// CANCEL: the client abandons the call; the server stops its handler and
/// sends nothing more for it.
public struct Cancel: Codable, Hashable, Sendable {
    public var reason: String

    public init(reason: String = "") { self.reason = reason }

    enum CodingKeys: Int, CodingKey {
        case reason = 1
    }
}
