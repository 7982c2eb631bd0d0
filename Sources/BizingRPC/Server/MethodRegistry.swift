public import NIOCore

/// A method the server answers: its full name and a handler over encoded
/// messages. Generated dispatch tables wrap typed handlers in these.
public struct RPCMethod: Sendable {
    public typealias UnaryHandler = @Sendable (ByteBuffer, ServerCallContext) async throws -> ByteBuffer
    public typealias ServerStreamingHandler = @Sendable (ByteBuffer, ServerCallContext, ResponseStreamWriter) async throws -> Void

    enum Handler: Sendable {
        case unary(UnaryHandler)
        case serverStreaming(ServerStreamingHandler)
    }

    /// `package.Service/Method`.
    public let name: String
    let handler: Handler

    /// One request, one response: return the encoded response or throw an `RPCStatus`.
    public static func unary(_ name: String, _ handle: @escaping UnaryHandler) -> RPCMethod {
        RPCMethod(name: name, handler: .unary(handle))
    }

    /// One request, any number of responses sent through the writer (which
    /// waits while the client has granted no credit); returning ends the
    /// call with OK, throwing ends it with the error's status.
    public static func serverStreaming(_ name: String, _ handle: @escaping ServerStreamingHandler) -> RPCMethod {
        RPCMethod(name: name, handler: .serverStreaming(handle))
    }

    public var isServerStreaming: Bool {
        if case .serverStreaming = handler { return true }
        return false
    }
}

/// The methods a server answers, by full name (`package.Service/Method`).
public struct MethodRegistry: Sendable {
    private var methods: [String: RPCMethod] = [:]

    public init(_ methods: [RPCMethod] = []) {
        for method in methods { register(method) }
    }

    public mutating func register(_ method: RPCMethod) {
        precondition(methods[method.name] == nil, "method \(method.name) registered twice")
        methods[method.name] = method
    }

    public subscript(name: String) -> RPCMethod? { methods[name] }

    public var names: [String] { methods.keys.sorted() }
}
