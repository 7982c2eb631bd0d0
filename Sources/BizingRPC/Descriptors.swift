public import NIOCore
import BizingWire

/// Schema facts generated next to every type, for reflection and tools.
public struct FieldDescriptor: Hashable, Sendable, Codable {
    public let number: Int
    public let name: String
    /// The proto3 JSON name (lowerCamelCase).
    public let jsonName: String
    /// The proto type as written, e.g. `string`, `repeated int32`,
    /// `message bizing.booking.v1.Participant`, `map<string, int64>`.
    public let type: String

    public init(number: Int, name: String, jsonName: String, type: String) {
        self.number = number
        self.name = name
        self.jsonName = jsonName
        self.type = type
    }
}

public struct MessageDescriptor: Hashable, Sendable {
    public let name: String
    public let fields: [FieldDescriptor]

    public init(name: String, fields: [FieldDescriptor]) {
        self.name = name
        self.fields = fields
    }
}

public struct EnumDescriptor: Hashable, Sendable {
    public let name: String
    public let values: [(name: String, number: Int)]

    public init(name: String, values: [(String, Int)]) {
        self.name = name
        self.values = values.map { (name: $0.0, number: $0.1) }
    }

    public static func == (a: EnumDescriptor, b: EnumDescriptor) -> Bool {
        a.name == b.name && a.values.map(\.name) == b.values.map(\.name) && a.values.map(\.number) == b.values.map(\.number)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

public struct MethodDescriptor: Hashable, Sendable {
    public let service: String
    public let name: String
    public let input: MessageDescriptor
    public let output: MessageDescriptor
    public let serverStreaming: Bool
    public let documentation: String

    /// `package.Service/Method`, the name calls use on the wire.
    public var fullName: String { "\(service)/\(name)" }

    public init(service: String, name: String, input: MessageDescriptor, output: MessageDescriptor, serverStreaming: Bool, documentation: String) {
        self.service = service
        self.name = name
        self.input = input
        self.output = output
        self.serverStreaming = serverStreaming
        self.documentation = documentation
    }
}

public struct ServiceDescriptor: Hashable, Sendable {
    public let name: String
    public let documentation: String
    public let methods: [MethodDescriptor]

    public init(name: String, documentation: String, methods: [MethodDescriptor]) {
        self.name = name
        self.documentation = documentation
        self.methods = methods
    }
}

/// Decodes a request for a generated dispatch table; a malformed message is
/// the caller's fault: INVALID_ARGUMENT naming the field and byte offset.
public func decodeRequest<Request: Decodable>(_ type: Request.Type, _ bytes: ByteBuffer) throws -> Request {
    do {
        return try ProtobufDecoder().decode(Request.self, from: bytes)
    } catch {
        throw RPCStatus(.invalidArgument, "malformed request: \(error)", details: StatusDetails(reason: "MALFORMED_MESSAGE"))
    }
}

/// Encodes a response for a generated dispatch table.
public func encodeResponse<Response: Encodable>(_ response: Response) throws -> ByteBuffer {
    var buffer = ByteBuffer()
    try ProtobufEncoder().encode(response, into: &buffer)
    return buffer
}
