public import NIOCore

/// Encodes `Encodable` values as protobuf binary messages.
///
/// Field numbers come from the integer values of each type's coding keys.
/// proto3 rules apply: a non-optional scalar at its default is not written,
/// an `Optional` that is set is written even at its default (`optional`
/// presence), repeated numeric fields are packed, maps are written as
/// repeated entries sorted by key, `Date` is a `google.protobuf.Timestamp`.
public struct ProtobufEncoder: Sendable {
    /// Deepest message nesting written (the decoder refuses deeper input).
    public var maxDepth: Int

    public init(maxDepth: Int = ProtobufDecoder.defaultMaxDepth) {
        self.maxDepth = maxDepth
    }

    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let core = WireEncoderCore(maxDepth: maxDepth)
        try core.encodeTopLevel(value)
        return core.writer.toArray()
    }

    /// Appends the encoded message to `buffer`.
    public func encode<T: Encodable>(_ value: T, into buffer: inout ByteBuffer) throws {
        let core = WireEncoderCore(maxDepth: maxDepth)
        try core.encodeTopLevel(value)
        buffer.writeBytes(core.writer.bytes)
    }
}

/// The `Encoder` behind `ProtobufEncoder`. One instance writes a whole message
/// tree into one buffer; nested values are written in place, their length
/// prefix patched once they are done.
final class WireEncoderCore: Encoder {
    /// What the next `container` request on this encoder opens.
    enum Pending {
        /// The top-level message: no tag, no length.
        case topLevel
        /// A value for this field that has not chosen a container yet.
        case field(Int, explicit: Bool, hint: ProtobufIntegerEncoding)
        /// A nested message whose body started here.
        case openMessage(bodyStart: Int)
        /// A repeated field written element by element.
        case repeated(Int)
        /// Done: the top-level message is open, or a single value was written.
        case written
    }

    let writer = WireWriter()
    let types = WireTypeCache.current
    let maxDepth: Int
    // The encoder is confined to one encode call on one thread; unchecked
    // exclusivity saves a runtime check on every field.
    @exclusivity(unchecked) var pending = Pending.topLevel
    @exclusivity(unchecked) var fieldPath: [Int] = []
    /// Errors from non-throwing `Encoder` requirements, thrown at the end.
    @exclusivity(unchecked) var deferredError: (any Error)?

    init(maxDepth: Int) {
        self.maxDepth = maxDepth
        fieldPath.reserveCapacity(8)
    }

    var codingPath: [any CodingKey] { fieldPath.map { WireIndexKey(intValue: $0) } }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func error(_ code: WireFormatError.Code, field: Int?, _ detail: String) -> WireFormatError {
        WireFormatError(code: code, offset: -1, fieldNumber: field, fieldPath: fieldPath + (field.map { [$0] } ?? []), detail: detail)
    }

    func encodeTopLevel<T: Encodable>(_ value: T) throws {
        guard case .other = types.encodeKind(of: T.self) else {
            throw error(.unsupportedType, field: nil, "a top-level message must be a message type, not \(T.self)")
        }
        pending = .topLevel
        try value.encode(to: self)
        if let deferredError { throw deferredError }
    }

    /// Writes one field: the common entry point for keyed, unkeyed and map values.
    func encodeField<T: Encodable>(_ value: T, field: Int, explicit: Bool, hint: ProtobufIntegerEncoding) throws {
        switch types.encodeKind(of: T.self) {
        case .scalar(let scalar):
            try encodeSpecial(scalar, value, field: field, explicit: explicit, hint: hint)
            return
        case .special(let special):
            try encodeSpecial(special, value, field: field, explicit: explicit, hint: hint)
            return
        case .protobufEnum(let enumType):
            let raw = enumValue(enumType, value)
            if explicit || raw != 0 {
                writer.writeTag(field, .varint)
                writer.writeVarint(UInt64(bitPattern: Int64(raw)))
            }
            return
        case .other:
            break
        }
        // A nested message, or a custom type that picks its own container.
        guard fieldPath.count < maxDepth else {
            throw error(.nestingTooDeep, field: field, "more than \(maxDepth) nested messages")
        }
        let saved = pending
        pending = .field(field, explicit: explicit, hint: hint)
        fieldPath.append(field)
        defer {
            fieldPath.removeLast()
            pending = saved
        }
        try value.encode(to: self)
        if case .openMessage(let bodyStart) = pending {
            writer.endLengthDelimited(bodyStart: bodyStart)
        }
    }

    // `S` and `E` are `T`, opened from the cached metatype: the bit cast only
    // restores the static type, where a value cast would look it up again.
    private func encodeSpecial<S: WireSpecialEncodable, T>(
        _ type: S.Type, _ value: T, field: Int, explicit: Bool, hint: ProtobufIntegerEncoding
    ) throws {
        try unsafeBitCast(value, to: S.self).wireEncode(to: self, field: field, explicit: explicit, hint: hint)
    }

    private func enumValue<E: ProtobufEnum, T>(_ type: E.Type, _ value: T) -> Int32 {
        unsafeBitCast(value, to: E.self).protobufValue
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        switch pending {
        case .topLevel:
            pending = .written
        case .field(let number, _, _):
            writer.writeTag(number, .lengthDelimited)
            pending = .openMessage(bodyStart: writer.beginLengthDelimited())
        case .openMessage, .written:
            break  // a second request for the message already open
        case .repeated(let number):
            deferredError = deferredError ?? error(.unsupportedType, field: number, "a value mixes keyed and unkeyed containers")
        }
        return KeyedEncodingContainer(WireKeyedEncodingContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        guard case .field(let number, _, _) = pending else {
            if case .repeated(let number) = pending { return WireUnkeyedEncodingContainer(encoder: self, field: number) }
            deferredError = deferredError ?? error(.unsupportedType, field: nil, "repeated values need a field; a message cannot be a list")
            return WireUnkeyedEncodingContainer(encoder: self, field: 0)
        }
        pending = .repeated(number)
        return WireUnkeyedEncodingContainer(encoder: self, field: number)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        WireSingleValueEncodingContainer(encoder: self)
    }
}

/// A coding key made from a field number, for coding paths.
struct WireIndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { intValue.map(String.init) ?? "" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

@inline(__always)
func fieldNumber(of key: some CodingKey, encoder: WireEncoderCore) throws -> Int {
    guard let number = key.intValue, number >= 1, number <= maxFieldNumber else {
        throw encoder.error(.missingIntegerKey, field: nil, "key '\(key.stringValue)' needs an integer value in 1...\(maxFieldNumber)")
    }
    return number
}

struct WireKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: WireEncoderCore
    /// Looked up once per message, not per field.
    let keyEncodings: (any ProtobufCodingKey.Type)?
    var codingPath: [any CodingKey] { encoder.codingPath }

    init(encoder: WireEncoderCore) {
        self.encoder = encoder
        self.keyEncodings = encoder.types.keyEncodings(of: Key.self)
    }

    @inline(__always)
    private func hint(_ number: Int) -> ProtobufIntegerEncoding {
        keyEncodings?.integerEncoding(forField: number) ?? .varint
    }

    @inline(__always)
    private func scalar<S: WireScalar>(_ value: S, _ key: Key, explicit: Bool) throws {
        let number = try fieldNumber(of: key, encoder: encoder)
        guard explicit || !value.isWireDefault else { return }
        let hint = S.isPackable ? hint(number) : .varint
        encoder.writer.writeTag(number, S.wireType(hint))
        value.writeValue(to: encoder.writer, hint: hint)
    }

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode(_ value: Bool, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: String, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try scalar(value, key, explicit: false) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let number = try fieldNumber(of: key, encoder: encoder)
        try encoder.encodeField(value, field: number, explicit: false, hint: hint(number))
    }

    // `optional` fields: a value that is set is written even at its default.
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { if let value { try scalar(value, key, explicit: true) } }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else { return }
        let number = try fieldNumber(of: key, encoder: encoder)
        try encoder.encodeField(value, field: number, explicit: true, hint: hint(number))
    }

    // A keyed container nested inside another has no end the encoder could see
    // to patch its length; generated types never ask for one.
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.deferredError = encoder.deferredError ?? encoder.error(.unsupportedType, field: key.intValue, "nested containers are not supported; use a nested type")
        return KeyedEncodingContainer(WireKeyedEncodingContainer<NestedKey>(encoder: encoder))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.deferredError = encoder.deferredError ?? encoder.error(.unsupportedType, field: key.intValue, "nested containers are not supported; use an array")
        return WireUnkeyedEncodingContainer(encoder: encoder, field: key.intValue ?? 0)
    }

    mutating func superEncoder() -> any Encoder {
        encoder.deferredError = encoder.deferredError ?? encoder.error(.unsupportedType, field: nil, "superEncoder is not supported")
        return encoder
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder() }
}

/// A repeated field written one tag per element (the generic path, for
/// collections other than `Array`; arrays of numbers are packed elsewhere).
struct WireUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: WireEncoderCore
    let field: Int
    private(set) var count = 0

    init(encoder: WireEncoderCore, field: Int) {
        self.encoder = encoder
        self.field = field
    }

    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws {
        throw encoder.error(.unsupportedType, field: field, "repeated fields cannot hold nil")
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        guard field != 0 else { return }
        count += 1
        try encoder.encodeField(value, field: field, explicit: true, hint: .varint)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder.deferredError = encoder.deferredError ?? encoder.error(.unsupportedType, field: field, "nested containers are not supported")
        return KeyedEncodingContainer(WireKeyedEncodingContainer<NestedKey>(encoder: encoder))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.deferredError = encoder.deferredError ?? encoder.error(.unsupportedType, field: field, "nested containers are not supported")
        return self
    }

    mutating func superEncoder() -> any Encoder { encoder }
}

/// A custom type that encodes itself as one value of the field it is in.
struct WireSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: WireEncoderCore
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws {}

    mutating func encode<T: Encodable>(_ value: T) throws {
        guard case .field(let number, let explicit, let hint) = encoder.pending else {
            throw encoder.error(.unsupportedType, field: nil, "a single value needs a field; a top-level message must be keyed")
        }
        encoder.pending = .written
        try encoder.encodeField(value, field: number, explicit: explicit, hint: hint)
    }
}
