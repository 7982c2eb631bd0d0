/// Turns parsed schema files into Swift source: message and enum types with
/// descriptors, per service a namespace with method descriptors, a server
/// protocol and its dispatch table (for `BizingAPI`), and a typed client
/// (for `BizingClient`).
public struct SwiftRenderer {
    /// Every message and enum of every file, by full proto name.
    private var swiftTypes: [String: String] = [:]
    private var enumNames: Set<String> = []
    private var messageNames: Set<String> = []

    /// The file that declares each package's namespace (the first one).
    private var namespaceOwners: [String: String] = [:]

    /// Names the generated code uses unqualified: a schema type of the same
    /// name would capture them.
    static let reservedTypeNames: Set<String> = [
        "Date", "Data", "String", "Bool", "Double", "Float", "Int", "Int32", "Int64", "UInt32", "UInt64", "Array",
        "Dictionary", "Optional", "Error", "Type", "Protocol", "Self", "Any", "CodingKeys", "Client", "Sendable",
        "Codable", "Hashable", "Duration",
    ]

    public init(files: [ProtoFile]) throws(SchemaError) {
        for file in files where namespaceOwners[file.package] == nil { namespaceOwners[file.package] = file.path }
        for file in files { try Self.checkNames(file) }
        for file in files {
            let namespace = SwiftNames.namespace(ofPackage: file.package)
            func register(_ message: ProtoMessage, protoScope: String, swiftScope: String) {
                let protoName = "\(protoScope).\(message.name)", swiftName = "\(swiftScope).\(message.name)"
                swiftTypes[protoName] = swiftName
                messageNames.insert(protoName)
                for nested in message.messages { register(nested, protoScope: protoName, swiftScope: swiftName) }
                for nested in message.enums {
                    swiftTypes["\(protoName).\(nested.name)"] = "\(swiftName).\(nested.name)"
                    enumNames.insert("\(protoName).\(nested.name)")
                }
            }
            for message in file.messages { register(message, protoScope: file.package, swiftScope: namespace) }
            for protoEnum in file.enums {
                swiftTypes["\(file.package).\(protoEnum.name)"] = "\(namespace).\(protoEnum.name)"
                enumNames.insert("\(file.package).\(protoEnum.name)")
            }
        }
        for file in files { try checkReferences(file) }
    }

    /// Refuses what would not compile or would compile to the wrong thing.
    private static func checkNames(_ file: ProtoFile) throws(SchemaError) {
        func checkEnum(_ protoEnum: ProtoEnum) throws(SchemaError) {
            for (value, caseName) in zip(protoEnum.values, SwiftNames.caseNames(of: protoEnum)) {
                if caseName.first?.isNumber == true {
                    throw SchemaError(location: protoEnum.location, message: "enum value \(value.name) gives the Swift case '\(caseName)', which cannot start with a digit; rename it")
                }
                if caseName == "unrecognized" {
                    throw SchemaError(location: protoEnum.location, message: "enum value \(value.name) would clash with the generated case unrecognized(Int32); rename it")
                }
            }
        }
        func checkScope(messages: [ProtoMessage], enums: [ProtoEnum], scope: String) throws(SchemaError) {
            var seen = Set<String>()
            for (name, location) in messages.map({ ($0.name, $0.location) }) + enums.map({ ($0.name, $0.location) }) {
                guard seen.insert(name).inserted else {
                    throw SchemaError(location: location, message: "\(scope).\(name) is declared twice")
                }
                guard !reservedTypeNames.contains(name) else {
                    throw SchemaError(location: location, message: "a type named \(name) would shadow the Swift type the generated code uses; rename it")
                }
            }
            for protoEnum in enums { try checkEnum(protoEnum) }
            for message in messages { try checkScope(messages: message.messages, enums: message.enums, scope: "\(scope).\(message.name)") }
        }
        try checkScope(messages: file.messages, enums: file.enums, scope: file.package)
    }

    // MARK: Name resolution

    /// Resolves a type name as protobuf does: from the innermost scope outwards.
    private func resolve(_ name: String, scope: String) -> String? {
        if name.hasPrefix(".") { return swiftTypes[String(name.dropFirst())] != nil ? String(name.dropFirst()) : nil }
        var parts = scope.split(separator: ".").map(String.init)
        while true {
            let candidate = (parts + [name]).joined(separator: ".")
            if swiftTypes[candidate] != nil { return candidate }
            if parts.isEmpty { return nil }
            parts.removeLast()
        }
    }

    private func checkReferences(_ file: ProtoFile) throws(SchemaError) {
        func check(_ message: ProtoMessage, scope: String) throws(SchemaError) {
            let messageScope = "\(scope).\(message.name)"
            for field in message.fields {
                var type = field.type
                if case .map(_, let value) = type { type = value }
                if case .named(let name) = type, resolve(name, scope: messageScope) == nil {
                    throw SchemaError(location: field.location, message: "unknown type \(name)")
                }
            }
            for nested in message.messages { try check(nested, scope: messageScope) }
        }
        for message in file.messages { try check(message, scope: file.package) }
        for service in file.services {
            for method in service.methods {
                for name in [method.input, method.output] where resolve(name, scope: file.package).map(messageNames.contains) != true {
                    throw SchemaError(location: method.location, message: "\(name) is not a message")
                }
            }
        }
    }

    // MARK: Output

    public struct Output: Equatable {
        public var api: String
        public var client: String?
    }

    public func render(_ file: ProtoFile) -> Output {
        let namespace = SwiftNames.namespace(ofPackage: file.package)
        var out = SwiftWriter()
        out.line("// DO NOT EDIT. Generated by bizing-codegen from \(file.path).")
        out.line("")
        let usage = Usage(file)
        out.line("public import BizingRPC")
        out.line(usage.hasEnums ? "public import BizingWire" : "import BizingWire")
        out.line(usage.hasFoundationTypes ? "public import Foundation" : "import Foundation")
        out.line("")
        if namespaceOwners[file.package] == file.path {
            out.line("/// Package `\(file.package)`.")
            out.line("public enum \(namespace) {}")
        }
        for protoEnum in file.enums {
            out.line("")
            out.block("extension \(namespace)") { out in renderEnum(protoEnum, fullName: "\(file.package).\(protoEnum.name)", into: &out) }
        }
        for message in file.messages {
            out.line("")
            out.block("extension \(namespace)") { out in
                renderMessage(message, fullName: "\(file.package).\(message.name)", into: &out)
            }
        }
        for service in file.services {
            out.line("")
            renderService(service, file: file, namespace: namespace, into: &out)
        }
        var client: String?
        if !file.services.isEmpty {
            var c = SwiftWriter()
            c.line("// DO NOT EDIT. Generated by bizing-codegen from \(file.path).")
            c.line("")
            c.line("public import BizingAPI")
            c.line("public import BizingRPC")
            c.line("public import BizingWire")
            for service in file.services {
                c.line("")
                renderClient(service, file: file, namespace: namespace, into: &c)
            }
            client = c.text
        }
        return Output(api: out.text, client: client)
    }

    /// An index of every service, message and enum, for reflection and tools.
    public func renderSchemaIndex(_ files: [ProtoFile]) -> String {
        var services: [String] = [], messages: [String] = [], enums: [String] = []
        for file in files {
            let namespace = SwiftNames.namespace(ofPackage: file.package)
            for service in file.services { services.append("\(namespace).\(service.name).descriptor") }
            func visit(_ message: ProtoMessage, swiftScope: String) {
                let swiftName = "\(swiftScope).\(message.name)"
                messages.append("\(swiftName).descriptor")
                for nested in message.enums { enums.append("\(swiftName).\(nested.name).descriptor") }
                for nested in message.messages { visit(nested, swiftScope: swiftName) }
            }
            for message in file.messages { visit(message, swiftScope: namespace) }
            for protoEnum in file.enums { enums.append("\(namespace).\(protoEnum.name).descriptor") }
        }
        var out = SwiftWriter()
        out.line("// DO NOT EDIT. Generated by bizing-codegen from every file in schema/.")
        out.line("")
        out.line("public import BizingRPC")
        out.line("")
        out.line("/// Every service, message and enum of the schema, for reflection and tools.")
        out.block("public enum BizingSchema") { out in
            for (name, type, items) in [("services", "ServiceDescriptor", services), ("messages", "MessageDescriptor", messages), ("enums", "EnumDescriptor", enums)] {
                out.line("public static let \(name): [\(type)] = [")
                for item in items { out.line("    \(item),") }
                out.line("]")
            }
        }
        return out.text
    }

    private func doc(_ comment: String, into out: inout SwiftWriter) {
        for line in comment.split(separator: "\n", omittingEmptySubsequences: false) where !comment.isEmpty {
            out.line("/// \(line)".trimmingTrailingSpaces)
        }
    }

    private struct FieldShape {
        var swiftName: String
        var swiftType: String
        var defaultValue: String
        var hint: String?
        var descriptorType: String
    }

    private func shape(of field: ProtoField, scope: String) -> FieldShape {
        func scalarType(_ scalar: ProtoScalar) -> (String, String, String?) {
            switch scalar {
            case .double: ("Double", "0", nil)
            case .float: ("Float", "0", nil)
            case .int32: ("Int32", "0", nil)
            case .int64: ("Int64", "0", nil)
            case .uint32: ("UInt32", "0", nil)
            case .uint64: ("UInt64", "0", nil)
            case .sint32: ("Int32", "0", ".zigZag")
            case .sint64: ("Int64", "0", ".zigZag")
            case .fixed32: ("UInt32", "0", ".fixed")
            case .fixed64: ("UInt64", "0", ".fixed")
            case .sfixed32: ("Int32", "0", ".fixed")
            case .sfixed64: ("Int64", "0", ".fixed")
            case .bool: ("Bool", "false", nil)
            case .string: ("String", "\"\"", nil)
            case .bytes: ("Data", "Data()", nil)
            }
        }
        func element(_ type: ProtoType) -> (swift: String, defaultValue: String, hint: String?, isMessage: Bool, descriptor: String) {
            switch type {
            case .scalar(let scalar):
                let (swift, value, hint) = scalarType(scalar)
                return (swift, value, hint, false, scalar.rawValue)
            case .timestamp:
                return ("Date", "Date(timeIntervalSince1970: 0)", nil, true, "google.protobuf.Timestamp")
            case .named(let name):
                let full = resolve(name, scope: scope)!
                let swift = swiftTypes[full]!
                return enumNames.contains(full)
                    ? (swift, "\(swift)(protobufValue: 0)", nil, false, "enum \(full)")
                    : (swift, "\(swift)()", nil, true, "message \(full)")
            case .map:
                fatalError("maps are handled by the caller")
            }
        }
        let swiftName = SwiftNames.escaped(SwiftNames.lowerCamel(field.name))
        switch (field.type, field.label) {
        case (.map(let key, let value), _):
            let k = scalarType(key).0, v = element(value)
            return FieldShape(swiftName: swiftName, swiftType: "[\(k): \(v.swift)]", defaultValue: "[:]", hint: nil,
                              descriptorType: "map<\(key.rawValue), \(v.descriptor)>")
        case (let type, .repeated):
            let e = element(type)
            return FieldShape(swiftName: swiftName, swiftType: "[\(e.swift)]", defaultValue: "[]", hint: e.hint, descriptorType: "repeated \(e.descriptor)")
        case (let type, .optional):
            let e = element(type)
            return FieldShape(swiftName: swiftName, swiftType: "\(e.swift)?", defaultValue: "nil", hint: e.hint, descriptorType: "optional \(e.descriptor)")
        case (let type, .singular):
            let e = element(type)
            // Message fields have presence: they are optional in Swift.
            return e.isMessage
                ? FieldShape(swiftName: swiftName, swiftType: "\(e.swift)?", defaultValue: "nil", hint: nil, descriptorType: e.descriptor)
                : FieldShape(swiftName: swiftName, swiftType: e.swift, defaultValue: e.defaultValue, hint: e.hint, descriptorType: e.descriptor)
        }
    }

    private func renderMessage(_ message: ProtoMessage, fullName: String, into out: inout SwiftWriter) {
        doc(message.comment, into: &out)
        out.block("public struct \(message.name): Codable, Hashable, Sendable") { out in
            let shapes = message.fields.map { shape(of: $0, scope: fullName) }
            for (field, shape) in zip(message.fields, shapes) {
                doc(field.comment, into: &out)
                out.line("public var \(shape.swiftName): \(shape.swiftType) = \(shape.defaultValue)")
            }
            if !message.fields.isEmpty { out.line("") }
            out.line("public init() {}")
            if !message.fields.isEmpty {
                out.line("")
                let parameters = shapes.map { "\($0.swiftName): \($0.swiftType) = \($0.defaultValue)" }.joined(separator: ", ")
                out.block("public init(\(parameters))") { out in
                    for shape in shapes { out.line("self.\(shape.swiftName) = \(shape.swiftName)") }
                }
            }
            out.line("")
            let hinted = zip(message.fields, shapes).filter { $0.1.hint != nil }
            // A key enum without cases cannot have a raw type.
            let keyConformances = message.fields.isEmpty ? "CodingKey" : "Int, \(hinted.isEmpty ? "CodingKey" : "ProtobufCodingKey")"
            out.block("enum CodingKeys: \(keyConformances)") { out in
                for (field, shape) in zip(message.fields, shapes) { out.line("case \(shape.swiftName) = \(field.number)") }
                if !hinted.isEmpty {
                    out.line("")
                    out.block("static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding") { out in
                        out.line("switch fieldNumber {")
                        for (field, shape) in hinted { out.line("case \(field.number): \(shape.hint!)") }
                        out.line("default: .varint")
                        out.line("}")
                    }
                }
            }
            out.line("")
            out.line("public static let descriptor = MessageDescriptor(")
            out.line("    name: \"\(fullName)\",")
            if message.fields.isEmpty {
                out.line("    fields: []")
            } else {
                out.line("    fields: [")
                for (field, shape) in zip(message.fields, shapes) {
                    out.line("        FieldDescriptor(number: \(field.number), name: \"\(field.name)\", jsonName: \"\(SwiftNames.lowerCamel(field.name))\", type: \"\(shape.descriptorType)\"),")
                }
                out.line("    ]")
            }
            out.line(")")
            for nested in message.enums {
                out.line("")
                renderEnum(nested, fullName: "\(fullName).\(nested.name)", into: &out)
            }
            for nested in message.messages {
                out.line("")
                renderMessage(nested, fullName: "\(fullName).\(nested.name)", into: &out)
            }
        }
    }

    private func renderEnum(_ protoEnum: ProtoEnum, fullName: String, into out: inout SwiftWriter) {
        let cases = SwiftNames.caseNames(of: protoEnum).map(SwiftNames.escaped)
        doc(protoEnum.comment, into: &out)
        out.block("public enum \(protoEnum.name): ProtobufEnum") { out in
            for (value, name) in zip(protoEnum.values, cases) {
                doc(value.comment, into: &out)
                out.line("case \(name)")
            }
            out.line("/// A value this build does not know, kept as it came.")
            out.line("case unrecognized(Int32)")
            out.line("")
            out.block("public init(protobufValue: Int32)") { out in
                out.line("switch protobufValue {")
                for (value, name) in zip(protoEnum.values, cases) { out.line("case \(value.number): self = .\(name)") }
                out.line("default: self = .unrecognized(protobufValue)")
                out.line("}")
            }
            out.line("")
            out.block("public var protobufValue: Int32") { out in
                out.line("switch self {")
                for (value, name) in zip(protoEnum.values, cases) { out.line("case .\(name): \(value.number)") }
                out.line("case .unrecognized(let value): value")
                out.line("}")
            }
            out.line("")
            out.line("public static let descriptor = EnumDescriptor(")
            out.line("    name: \"\(fullName)\",")
            out.line("    values: [\(protoEnum.values.map { "(\"\($0.name)\", \($0.number))" }.joined(separator: ", "))]")
            out.line(")")
        }
    }

    private func renderService(_ service: ProtoService, file: ProtoFile, namespace: String, into out: inout SwiftWriter) {
        let fullName = "\(file.package).\(service.name)"
        func swiftType(_ name: String) -> String { swiftTypes[resolve(name, scope: file.package)!]! }
        out.block("extension \(namespace)") { out in
            doc(service.comment, into: &out)
            out.block("public enum \(service.name)") { out in
                for method in service.methods {
                    doc(method.comment, into: &out)
                    out.line("public static let \(SwiftNames.escaped(SwiftNames.lowerCamel(method.name))) = MethodDescriptor(")
                    out.line("    service: \"\(fullName)\", name: \"\(method.name)\",")
                    out.line("    input: \(swiftType(method.input)).descriptor, output: \(swiftType(method.output)).descriptor,")
                    out.line("    serverStreaming: \(method.serverStreaming), documentation: \(literal(method.comment))")
                    out.line(")")
                }
                out.line("")
                out.line("public static let descriptor = ServiceDescriptor(")
                out.line("    name: \"\(fullName)\", documentation: \(literal(service.comment)),")
                out.line("    methods: [\(service.methods.map { SwiftNames.escaped(SwiftNames.lowerCamel($0.name)) }.joined(separator: ", "))]")
                out.line(")")
            }
            out.line("")
            doc("What a server of `\(fullName)` implements.", into: &out)
            out.block("public protocol \(service.name)Service: Sendable") { out in
                for method in service.methods {
                    doc(method.comment, into: &out)
                    let name = SwiftNames.escaped(SwiftNames.lowerCamel(method.name))
                    if method.serverStreaming {
                        out.line("func \(name)(_ request: \(swiftType(method.input)), context: ServerCallContext, responses: ResponseWriter<\(swiftType(method.output))>) async throws")
                    } else {
                        out.line("func \(name)(_ request: \(swiftType(method.input)), context: ServerCallContext) async throws -> \(swiftType(method.output))")
                    }
                }
            }
        }
        out.line("")
        out.block("extension \(namespace).\(service.name)Service") { out in
            out.line("/// The dispatch table: one entry per method, decoding the request and")
            out.line("/// encoding the response.")
            out.block("public var methods: [RPCMethod]") { out in
                out.line("[")
                for method in service.methods {
                    let name = SwiftNames.escaped(SwiftNames.lowerCamel(method.name))
                    let request = "try decodeRequest(\(swiftType(method.input)).self, request)"
                    if method.serverStreaming {
                        out.line("    .serverStreaming(\(namespace).\(service.name).\(name).fullName) { request, context, writer in")
                        out.line("        try await self.\(name)(\(request), context: context, responses: ResponseWriter(writer))")
                    } else {
                        out.line("    .unary(\(namespace).\(service.name).\(name).fullName) { request, context in")
                        out.line("        try encodeResponse(try await self.\(name)(\(request), context: context))")
                    }
                    out.line("    },")
                }
                out.line("]")
            }
        }
    }

    private func renderClient(_ service: ProtoService, file: ProtoFile, namespace: String, into out: inout SwiftWriter) {
        func swiftType(_ name: String) -> String { swiftTypes[resolve(name, scope: file.package)!]! }
        out.block("extension \(namespace).\(service.name)") { out in
            out.line("/// A typed client of `\(file.package).\(service.name)` over a shared connection.")
            out.block("public struct Client: Sendable") { out in
                out.line("public let connection: RPCClient")
                out.line("")
                out.block("public init(_ connection: RPCClient)") { out in out.line("self.connection = connection") }
                for method in service.methods {
                    let name = SwiftNames.escaped(SwiftNames.lowerCamel(method.name))
                    out.line("")
                    doc(method.comment, into: &out)
                    let output = swiftType(method.output)
                    let call = method.serverStreaming ? "serverStreaming" : "unary"
                    let result = method.serverStreaming ? "ResponseStream<\(output)>" : output
                    out.block("public func \(name)(_ request: \(swiftType(method.input)), metadata: [MetadataEntry] = [], timeout: Duration? = nil) async throws -> \(result)") { out in
                        out.line("try await connection.\(call)(\(namespace).\(service.name).\(name).fullName, request, as: \(output).self, metadata: metadata, timeout: timeout)")
                    }
                }
            }
        }
    }

    private func literal(_ text: String) -> String { SwiftNames.stringLiteral(text) }
}

/// Which imports a file's public declarations need.
private struct Usage {
    var hasEnums = false
    var hasFoundationTypes = false

    init(_ file: ProtoFile) {
        hasEnums = !file.enums.isEmpty
        func visit(_ message: ProtoMessage) {
            if !message.enums.isEmpty { hasEnums = true }
            for field in message.fields {
                var types = [field.type]
                if case .map(let key, let value) = field.type { types = [.scalar(key), value] }
                for type in types {
                    switch type {
                    case .timestamp, .scalar(.bytes): hasFoundationTypes = true
                    case .named: hasEnums = true  // may be an enum; the import is harmless either way
                    default: break
                    }
                }
            }
            message.messages.forEach(visit)
        }
        file.messages.forEach(visit)
    }
}

/// Indented lines.
struct SwiftWriter {
    private(set) var text = ""
    private var indent = 0

    mutating func line(_ line: String) {
        text += line.isEmpty ? "\n" : String(repeating: "    ", count: indent) + line + "\n"
    }

    mutating func block(_ header: String, _ body: (inout SwiftWriter) -> Void) {
        line(header + " {")
        indent += 1
        body(&self)
        indent -= 1
        line("}")
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
