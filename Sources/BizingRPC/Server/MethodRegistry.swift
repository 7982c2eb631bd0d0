public import NIOCore
public import BizingWire

/// What a handler knows about the call it serves.
public struct ServerCallContext: Sendable {
    public let method: String
    public let metadata: [MetadataEntry]
    /// When the call must be answered by; nil when the client set no timeout.
    public let deadline: ContinuousClock.Instant?

    /// The first value for `key`, if any.
    public func metadataValue(_ key: String) -> String? {
        metadata.first { $0.key == key }?.value
    }
}

/// A unary method: request bytes in, response bytes out, or an `RPCStatus`
/// thrown. Generated dispatch tables wrap typed handlers in these.
public struct UnaryMethod: Sendable {
    public let name: String
    public let handle: @Sendable (ByteBuffer, ServerCallContext) async throws -> ByteBuffer

    public init(name: String, handle: @escaping @Sendable (ByteBuffer, ServerCallContext) async throws -> ByteBuffer) {
        self.name = name
        self.handle = handle
    }
}

/// The methods a server answers, by full name (`package.Service/Method`).
public struct MethodRegistry: Sendable {
    private var methods: [String: UnaryMethod] = [:]

    public init(_ methods: [UnaryMethod] = []) {
        for method in methods { register(method) }
    }

    public mutating func register(_ method: UnaryMethod) {
        precondition(methods[method.name] == nil, "method \(method.name) registered twice")
        methods[method.name] = method
    }

    public subscript(name: String) -> UnaryMethod? { methods[name] }

    public var names: [String] { methods.keys.sorted() }
}
