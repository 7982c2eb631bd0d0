/// Why a protobuf-wire message could not be decoded or encoded.
///
/// A struct with an opaque code rather than a public enum, so new reasons can
/// be added without breaking callers. Every decoding error names the byte
/// offset where the problem was found and, when it belongs to a field, the
/// field number and the path of field numbers leading to it.
public struct WireFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        public static let truncated = Code(name: "truncated")
        public static let varintTooLong = Code(name: "varint over 10 bytes")
        public static let varintOverflow = Code(name: "varint overflows 64 bits")
        public static let lengthOutOfBounds = Code(name: "length past the end")
        public static let invalidFieldNumber = Code(name: "invalid field number")
        public static let invalidWireType = Code(name: "invalid wire type")
        public static let wrongWireType = Code(name: "wrong wire type")
        public static let unmatchedEndGroup = Code(name: "unmatched end group")
        public static let invalidUTF8 = Code(name: "invalid UTF-8")
        public static let nestingTooDeep = Code(name: "nesting too deep")
        public static let valueOutOfRange = Code(name: "value out of range")
        public static let unsupportedType = Code(name: "unsupported type")
        public static let missingIntegerKey = Code(name: "coding key without an integer value")
        public static let messageTooLarge = Code(name: "message too large")
    }

    public let code: Code
    /// Byte offset in the decoded buffer (or -1 for encoding errors).
    public let offset: Int
    /// The field the error belongs to, if any.
    public let fieldNumber: Int?
    /// Field numbers from the outermost message down to the failing one.
    public let fieldPath: [Int]
    /// A human-readable detail, never containing the message's data.
    public let detail: String

    public init(code: Code, offset: Int, fieldNumber: Int?, fieldPath: [Int] = [], detail: String) {
        self.code = code
        self.offset = offset
        self.fieldNumber = fieldNumber
        self.fieldPath = fieldPath
        self.detail = detail
    }

    public var description: String {
        var text = "\(code.name)"
        if let fieldNumber { text += " in field \(fieldNumber)" }
        if fieldPath.count > 1 { text += " (path \(fieldPath.map(String.init).joined(separator: ".")))" }
        if offset >= 0 { text += " at byte \(offset)" }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }
}
