/// The parsed schema: the proto3 subset Bizing uses (docs/SCHEMA.md).
public struct ProtoFile: Equatable, Sendable {
    public var path: String
    public var package: String
    public var imports: [String]
    public var messages: [ProtoMessage]
    public var enums: [ProtoEnum]
    public var services: [ProtoService]
}

public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var description: String { "\(file):\(line):\(column)" }
}

public struct ProtoMessage: Equatable, Sendable {
    public var name: String
    public var comment: String
    public var fields: [ProtoField]
    public var messages: [ProtoMessage]
    public var enums: [ProtoEnum]
    public var reservedNumbers: [ClosedRange<Int>]
    public var reservedNames: [String]
    public var location: SourceLocation
}

public enum ProtoScalar: String, CaseIterable, Sendable {
    case double, float, int32, int64, uint32, uint64, sint32, sint64
    case fixed32, fixed64, sfixed32, sfixed64, bool, string, bytes
}

public indirect enum ProtoType: Equatable, Sendable {
    case scalar(ProtoScalar)
    case timestamp
    /// A message or enum, as written (resolved by the generator).
    case named(String)
    case map(key: ProtoScalar, value: ProtoType)
}

public enum ProtoLabel: Equatable, Sendable {
    case singular, optional, repeated
}

public struct ProtoField: Equatable, Sendable {
    public var name: String
    public var number: Int
    public var type: ProtoType
    public var label: ProtoLabel
    public var comment: String
    public var location: SourceLocation
}

public struct ProtoEnum: Equatable, Sendable {
    public var name: String
    public var comment: String
    public var values: [ProtoEnumValue]
    public var location: SourceLocation
}

public struct ProtoEnumValue: Equatable, Sendable {
    public var name: String
    public var number: Int
    public var comment: String
}

public struct ProtoService: Equatable, Sendable {
    public var name: String
    public var comment: String
    public var methods: [ProtoMethod]
    public var location: SourceLocation
}

public struct ProtoMethod: Equatable, Sendable {
    public var name: String
    public var input: String
    public var output: String
    public var serverStreaming: Bool
    public var comment: String
    public var location: SourceLocation
}

/// A schema error, located at file:line:column.
public struct SchemaError: Error, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    public var description: String { "\(location): error: \(message)" }
}
