import struct Foundation.Data
import struct Foundation.UUID

/// A value with a direct protobuf wire representation (the scalar types,
/// `string`, `bytes`). The coder specialises on these instead of going
/// through `Codable`'s container machinery.
protocol WireScalar: WireSpecialEncodable, WireSpecialDecodable {
    /// Whether `repeated` fields of this type are packed (numeric types only).
    static var isPackable: Bool { get }
    static var wireDefault: Self { get }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType
    /// proto3 implicit presence: defaults are not written unless the field is `optional`.
    var isWireDefault: Bool { get }
    /// Writes the value without its tag.
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding)
    /// Reads a value that starts at `position`; the wire type was already checked.
    static func readValue(
        _ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int
    ) throws(WireFormatError) -> Self
}

extension WireScalar {
    static var isPackable: Bool { true }

    func wireEncode(to encoder: WireEncoderCore, field: Int, explicit: Bool, hint: ProtobufIntegerEncoding) throws {
        guard explicit || !isWireDefault else { return }
        encoder.writer.writeTag(field, Self.wireType(hint))
        writeValue(to: encoder.writer, hint: hint)
    }

    static func wireDecode(from decoder: WireDecoderCore, _ fields: FieldOccurrences, hint: ProtobufIntegerEncoding) throws -> Self {
        guard let index = decoder.lastIndex(of: fields) else { return wireDefault }
        return try decoder.readScalar(Self.self, at: index, hint: hint)
    }
}

/// Signed integers narrower than 64 bits share int32's encodings.
private func writeSigned32(_ value: Int32, _ writer: WireWriter, _ hint: ProtobufIntegerEncoding) {
    switch hint {
    case .varint: writer.writeVarint(UInt64(bitPattern: Int64(value)))
    case .zigZag: writer.writeVarint(zigZagEncode(Int64(value)))
    case .fixed: writer.writeFixed32(UInt32(bitPattern: value))
    }
}

private func readSigned32(
    _ reader: WireReader, _ position: inout Int, _ end: Int, _ hint: ProtobufIntegerEncoding, _ field: Int
) throws(WireFormatError) -> Int32 {
    switch hint {
    case .varint: Int32(truncatingIfNeeded: try reader.readVarint(&position, end: end, field: field))
    // Like the reference runtimes: the low 32 bits first, then the zigzag.
    case .zigZag: Int32(truncatingIfNeeded: zigZagDecode(UInt64(UInt32(truncatingIfNeeded: try reader.readVarint(&position, end: end, field: field)))))
    case .fixed: Int32(bitPattern: try reader.readFixed32(&position, end: end, field: field))
    }
}

private func readSigned64(
    _ reader: WireReader, _ position: inout Int, _ end: Int, _ hint: ProtobufIntegerEncoding, _ field: Int
) throws(WireFormatError) -> Int64 {
    switch hint {
    case .varint: Int64(bitPattern: try reader.readVarint(&position, end: end, field: field))
    case .zigZag: zigZagDecode(try reader.readVarint(&position, end: end, field: field))
    case .fixed: Int64(bitPattern: try reader.readFixed64(&position, end: end, field: field))
    }
}

private func readUnsigned(
    _ reader: WireReader, _ position: inout Int, _ end: Int, _ hint: ProtobufIntegerEncoding, _ field: Int, width: Int
) throws(WireFormatError) -> UInt64 {
    if hint == .fixed {
        return width == 32
            ? UInt64(try reader.readFixed32(&position, end: end, field: field))
            : try reader.readFixed64(&position, end: end, field: field)
    }
    return try reader.readVarint(&position, end: end, field: field)
}

private func narrow<T: FixedWidthInteger, S: BinaryInteger>(
    _ value: S, to: T.Type, _ offset: Int, _ field: Int
) throws(WireFormatError) -> T {
    guard let narrowed = T(exactly: value) else {
        throw WireFormatError(code: .valueOutOfRange, offset: offset, fieldNumber: field, detail: "\(value) does not fit \(T.self)")
    }
    return narrowed
}

extension Int32: WireScalar {
    static var wireDefault: Int32 { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { hint == .fixed ? .fixed32 : .varint }
    var isWireDefault: Bool { self == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { writeSigned32(self, writer, hint) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> Int32 {
        try readSigned32(reader, &position, end, hint, field)
    }
}

extension Int64: WireScalar {
    static var wireDefault: Int64 { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { hint == .fixed ? .fixed64 : .varint }
    var isWireDefault: Bool { self == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) {
        switch hint {
        case .varint: writer.writeVarint(UInt64(bitPattern: self))
        case .zigZag: writer.writeVarint(zigZagEncode(self))
        case .fixed: writer.writeFixed64(UInt64(bitPattern: self))
        }
    }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> Int64 {
        try readSigned64(reader, &position, end, hint, field)
    }
}

extension Int: WireScalar {
    static var wireDefault: Int { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { Int64.wireType(hint) }
    var isWireDefault: Bool { self == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { Int64(self).writeValue(to: writer, hint: hint) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> Int {
        let start = position
        return try narrow(try readSigned64(reader, &position, end, hint, field), to: Int.self, start, field)
    }
}

extension Int16: WireScalar {
    static var wireDefault: Int16 { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { Int32.wireType(hint) }
    var isWireDefault: Bool { self == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { writeSigned32(Int32(self), writer, hint) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> Int16 {
        let start = position
        return try narrow(try readSigned32(reader, &position, end, hint, field), to: Int16.self, start, field)
    }
}

extension Int8: WireScalar {
    static var wireDefault: Int8 { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { Int32.wireType(hint) }
    var isWireDefault: Bool { self == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { writeSigned32(Int32(self), writer, hint) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> Int8 {
        let start = position
        return try narrow(try readSigned32(reader, &position, end, hint, field), to: Int8.self, start, field)
    }
}

extension UInt32: WireScalar {
    static var wireDefault: UInt32 { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { hint == .fixed ? .fixed32 : .varint }
    var isWireDefault: Bool { self == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) {
        hint == .fixed ? writer.writeFixed32(self) : writer.writeVarint(UInt64(self))
    }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readUnsigned(reader, &position, end, hint, field, width: 32))
    }
}

extension UInt64: WireScalar {
    static var wireDefault: UInt64 { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { hint == .fixed ? .fixed64 : .varint }
    var isWireDefault: Bool { self == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) {
        hint == .fixed ? writer.writeFixed64(self) : writer.writeVarint(self)
    }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> UInt64 {
        try readUnsigned(reader, &position, end, hint, field, width: 64)
    }
}

extension UInt: WireScalar {
    static var wireDefault: UInt { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { UInt64.wireType(hint) }
    var isWireDefault: Bool { self == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { UInt64(self).writeValue(to: writer, hint: hint) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> UInt {
        let start = position
        return try narrow(try readUnsigned(reader, &position, end, hint, field, width: 64), to: UInt.self, start, field)
    }
}

extension UInt16: WireScalar {
    static var wireDefault: UInt16 { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { UInt32.wireType(hint) }
    var isWireDefault: Bool { self == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { UInt32(self).writeValue(to: writer, hint: hint) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> UInt16 {
        let start = position
        return try narrow(try readUnsigned(reader, &position, end, hint, field, width: 32), to: UInt16.self, start, field)
    }
}

extension UInt8: WireScalar {
    static var wireDefault: UInt8 { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { UInt32.wireType(hint) }
    var isWireDefault: Bool { self == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { UInt32(self).writeValue(to: writer, hint: hint) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> UInt8 {
        let start = position
        return try narrow(try readUnsigned(reader, &position, end, hint, field, width: 32), to: UInt8.self, start, field)
    }
}

extension Bool: WireScalar {
    static var wireDefault: Bool { false }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { .varint }
    var isWireDefault: Bool { !self }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { writer.writeByte(self ? 1 : 0) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> Bool {
        try reader.readVarint(&position, end: end, field: field) != 0
    }
}

extension Double: WireScalar {
    static var wireDefault: Double { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { .fixed64 }
    // -0.0 is not the default: proto3 writes it.
    var isWireDefault: Bool { bitPattern == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { writer.writeFixed64(bitPattern) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> Double {
        Double(bitPattern: try reader.readFixed64(&position, end: end, field: field))
    }
}

extension Float: WireScalar {
    static var wireDefault: Float { 0 }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { .fixed32 }
    var isWireDefault: Bool { bitPattern == 0 }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { writer.writeFixed32(bitPattern) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> Float {
        Float(bitPattern: try reader.readFixed32(&position, end: end, field: field))
    }
}

extension String: WireScalar {
    static var isPackable: Bool { false }
    static var wireDefault: String { "" }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { .lengthDelimited }
    var isWireDefault: Bool { isEmpty }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { writer.writeString(self) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> String {
        let range = try reader.readLengthDelimited(&position, end: end, field: field)
        let bytes = UnsafeRawBufferPointer(rebasing: reader.base[range]).bindMemory(to: UInt8.self)
        // UTF8Span validates with the specialised fast path; on this
        // toolchain `String(validating:as:)` goes through unspecialised
        // generic code at about 2.5x the cost per string.
        guard let span = try? UTF8Span(validating: bytes.span) else {
            throw WireFormatError(code: .invalidUTF8, offset: range.lowerBound, fieldNumber: field, detail: "string field is not valid UTF-8")
        }
        return String(copying: span)
    }
}

extension Data: WireScalar {
    static var isPackable: Bool { false }
    static var wireDefault: Data { Data() }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { .lengthDelimited }
    var isWireDefault: Bool { isEmpty }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) {
        withUnsafeBytes { writer.writeLengthDelimited($0) }
    }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> Data {
        let range = try reader.readLengthDelimited(&position, end: end, field: field)
        return Data(UnsafeRawBufferPointer(rebasing: reader.base[range]))
    }
}

/// UUIDs travel as their canonical lowercase string form.
extension UUID: WireScalar {
    static var isPackable: Bool { false }
    static var wireDefault: UUID { UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) }
    static func wireType(_ hint: ProtobufIntegerEncoding) -> WireType { .lengthDelimited }
    var isWireDefault: Bool { false }
    func writeValue(to writer: WireWriter, hint: ProtobufIntegerEncoding) { writer.writeString(uuidString.lowercased()) }
    static func readValue(_ reader: WireReader, _ position: inout Int, end: Int, hint: ProtobufIntegerEncoding, field: Int) throws(WireFormatError) -> UUID {
        let start = position
        let text = try String.readValue(reader, &position, end: end, hint: hint, field: field)
        guard let uuid = UUID(uuidString: text) else {
            throw WireFormatError(code: .valueOutOfRange, offset: start, fieldNumber: field, detail: "not a UUID")
        }
        return uuid
    }
}
