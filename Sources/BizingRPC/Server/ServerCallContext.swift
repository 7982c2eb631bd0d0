public import BizingWire
public import Logging

/// Who is at the other end of a connection, from the kernel (SO_PEERCRED):
/// a Unix socket's peer cannot lie about these.
public struct PeerCredentials: Sendable, Hashable {
    public let pid: Int32
    public let uid: UInt32
    public let gid: UInt32

    public init(pid: Int32, uid: UInt32, gid: UInt32) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }
}

/// A key for a value interceptors attach to a call (the caller's principal,
/// for one); the key's type is the key.
public protocol CallAttributeKey {
    associatedtype Value: Sendable
}

/// Values interceptors attach to a call for the handler to read.
public struct CallAttributes: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    public subscript<Key: CallAttributeKey>(_ key: Key.Type) -> Key.Value? {
        get { values[ObjectIdentifier(key)] as? Key.Value }
        set { values[ObjectIdentifier(key)] = newValue }
    }
}

/// What a handler knows about the call it serves.
public struct ServerCallContext: Sendable {
    public let method: String
    public let metadata: [MetadataEntry]
    /// When the call must be answered by; nil when the client set no timeout.
    public let deadline: ContinuousClock.Instant?
    /// The connecting process, when the kernel told us.
    public let peer: PeerCredentials?
    /// Set by interceptors (authentication puts the principal here).
    public var attributes = CallAttributes()
    /// The call's id in logs: the client's `request-id`, or one made up from
    /// the connection and call numbers (built only when asked for).
    public var requestID: String { clientRequestID ?? "\(connectionTag)-\(callID)" }
    /// Whether the client chose the request id (then it is echoed in the trailers).
    public var requestIDFromClient: Bool { clientRequestID != nil }
    /// A logger that labels every line with the request id and method.
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "request-id"] = .string(requestID)
        logger[metadataKey: "method"] = .string(method)
        if let peer { logger[metadataKey: "peer-uid"] = .stringConvertible(peer.uid) }
        return logger
    }

    let clientRequestID: String?
    let connectionTag: String
    let callID: UInt32
    let baseLogger: Logger

    public init(
        method: String, metadata: [MetadataEntry] = [], deadline: ContinuousClock.Instant? = nil,
        peer: PeerCredentials? = nil, logger: Logger = Logger(label: "bizing.rpc"),
        connectionTag: String = "local", callID: UInt32 = 0
    ) {
        self.method = method
        self.metadata = metadata
        self.deadline = deadline
        self.peer = peer
        self.baseLogger = logger
        self.connectionTag = connectionTag
        self.callID = callID
        let sent = metadata.first { $0.key == "request-id" }?.value
        self.clientRequestID = sent.flatMap { $0.isEmpty || $0.utf8.count > 128 ? nil : $0 }
    }

    /// The first value for `key`, if any.
    public func metadataValue(_ key: String) -> String? {
        metadata.first { $0.key == key }?.value
    }
}
