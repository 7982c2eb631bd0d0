import struct Foundation.Date

/// Types the coder writes itself instead of asking them to encode through
/// containers: scalars, `Date` (as `google.protobuf.Timestamp`), repeated
/// fields and maps. Each takes the whole field: number, presence and hint.
protocol WireSpecialEncodable {
    func wireEncode(to encoder: WireEncoderCore, field: Int, explicit: Bool, hint: ProtobufIntegerEncoding) throws
}

protocol WireSpecialDecodable {
    static func wireDecode(from decoder: WireDecoderCore, _ fields: FieldOccurrences, hint: ProtobufIntegerEncoding) throws -> Self
}

// MARK: - Timestamp

extension Date: WireSpecialEncodable, WireSpecialDecodable {
    func wireEncode(to encoder: WireEncoderCore, field: Int, explicit: Bool, hint: ProtobufIntegerEncoding) throws {
        guard let timestamp = WireTimestamp(self) else {
            throw encoder.error(.valueOutOfRange, field: field, "date outside 0001-01-01 ... 9999-12-31")
        }
        let writer = encoder.writer
        writer.writeTag(field, .lengthDelimited)
        let start = writer.beginLengthDelimited()
        if timestamp.seconds != 0 {
            writer.writeTag(1, .varint)
            writer.writeVarint(UInt64(bitPattern: timestamp.seconds))
        }
        if timestamp.nanos != 0 {
            writer.writeTag(2, .varint)
            writer.writeVarint(UInt64(bitPattern: Int64(timestamp.nanos)))
        }
        writer.endLengthDelimited(bodyStart: start)
    }

    static func wireDecode(from decoder: WireDecoderCore, _ fields: FieldOccurrences, hint: ProtobufIntegerEncoding) throws -> Date {
        try decoder.readTimestamp(fields).date
    }
}

// MARK: - Repeated fields

extension Array: WireSpecialEncodable where Element: Encodable {
    func wireEncode(to encoder: WireEncoderCore, field: Int, explicit: Bool, hint: ProtobufIntegerEncoding) throws {
        guard !isEmpty else { return }
        switch encoder.types.encodeKind(of: Element.self) {
        case .scalar(let scalar):
            try withUnsafeBufferPointer { buffer in
                try scalar.writeRepeated(UnsafeRawPointer(buffer.baseAddress!), count: buffer.count, field: field, hint: hint, encoder: encoder)
            }
        case .protobufEnum(let enumType):
            withUnsafeBufferPointer { buffer in
                enumType.writePacked(UnsafeRawPointer(buffer.baseAddress!), count: buffer.count, field: field, writer: encoder.writer)
            }
        case .special, .other:
            for element in self {
                try encoder.encodeField(element, field: field, explicit: true, hint: hint)
            }
        }
    }
}

extension Array: WireSpecialDecodable where Element: Decodable {
    static func wireDecode(from decoder: WireDecoderCore, _ fields: FieldOccurrences, hint: ProtobufIntegerEncoding) throws -> [Element] {
        if fields.isEmpty { return [] }
        switch decoder.types.decodeKind(of: Element.self) {
        case .scalar(let scalar):
            return try readScalars(scalar, decoder, fields, hint)
        case .protobufEnum(let enumType):
            return try readEnums(enumType, decoder, fields)
        case .special, .other:
            break
        }
        var result: [Element] = []
        result.reserveCapacity(fields.range.count)
        for index in fields.indices(in: decoder) {
            result.append(try decoder.decodeField(Element.self, fields.single(index), hint: hint))
        }
        return result
    }

    // Generic over the element type opened from its existential, so the
    // result is an `[S]` (which is `[Element]`), not `[any WireScalar]`.
    private static func readScalars<S: WireScalar>(
        _ type: S.Type, _ decoder: WireDecoderCore, _ fields: FieldOccurrences, _ hint: ProtobufIntegerEncoding
    ) throws -> [Element] {
        unsafeBitCast(try S.readRepeated(decoder, fields, hint: hint), to: [Element].self)
    }

    private static func readEnums<E: ProtobufEnum>(
        _ type: E.Type, _ decoder: WireDecoderCore, _ fields: FieldOccurrences
    ) throws -> [Element] {
        unsafeBitCast(try E.readPacked(decoder, fields), to: [Element].self)
    }
}

extension WireScalar {
    /// Packs numeric types into one length-delimited value; writes one tag per
    /// element for strings and bytes.
    static func writeRepeated(
        _ base: UnsafeRawPointer, count: Int, field: Int, hint: ProtobufIntegerEncoding, encoder: WireEncoderCore
    ) throws {
        let elements = UnsafeBufferPointer(start: base.assumingMemoryBound(to: Self.self), count: count)
        let writer = encoder.writer
        if isPackable {
            writer.writeTag(field, .lengthDelimited)
            let start = writer.beginLengthDelimited()
            for element in elements { element.writeValue(to: writer, hint: hint) }
            writer.endLengthDelimited(bodyStart: start)
        } else {
            for element in elements {
                writer.writeTag(field, wireType(hint))
                element.writeValue(to: writer, hint: hint)
            }
        }
    }

    /// Accepts packed and unpacked encodings, even mixed in one message.
    static func readRepeated(_ decoder: WireDecoderCore, _ fields: FieldOccurrences, hint: ProtobufIntegerEncoding) throws -> [Self] {
        var result: [Self] = []
        let expected = wireType(hint)
        for index in fields.indices(in: decoder) {
            let entry = decoder.entries[index]
            if entry.wireType == expected {
                result.append(try decoder.readScalar(Self.self, at: index, hint: hint))
            } else if isPackable && entry.wireType == .lengthDelimited {
                var position = entry.payloadStart
                do {
                    while position < entry.valueEnd {
                        result.append(try readValue(decoder.reader, &position, end: entry.valueEnd, hint: hint, field: entry.number))
                    }
                } catch {
                    throw decoder.located(error)
                }
            } else {
                throw decoder.wrongWireType(entry, expected: expected)
            }
        }
        return result
    }
}

extension ProtobufEnum {
    static func writePacked(_ base: UnsafeRawPointer, count: Int, field: Int, writer: WireWriter) {
        let elements = UnsafeBufferPointer(start: base.assumingMemoryBound(to: Self.self), count: count)
        writer.writeTag(field, .lengthDelimited)
        let start = writer.beginLengthDelimited()
        for element in elements { writer.writeVarint(UInt64(bitPattern: Int64(element.protobufValue))) }
        writer.endLengthDelimited(bodyStart: start)
    }

    static func readPacked(_ decoder: WireDecoderCore, _ fields: FieldOccurrences) throws -> [Self] {
        try Int32.readRepeated(decoder, fields, hint: .varint).map(Self.init(protobufValue:))
    }

    static func readSingle(_ decoder: WireDecoderCore, _ fields: FieldOccurrences) throws -> Self {
        Self(protobufValue: try Int32.wireDecode(from: decoder, fields, hint: .varint))
    }
}

// MARK: - Maps

/// A map entry: `message { K key = 1; V value = 2; }`.
struct WireMapEntry<Key, Value> {
    var key: Key
    var value: Value
    enum CodingKeys: Int, CodingKey {
        case key = 1
        case value = 2
    }
}

extension WireMapEntry: Encodable where Key: Encodable, Value: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // Entries always carry both fields, as the reference runtime writes them.
        try container.encodeIfPresent(key, forKey: .key)
        try container.encodeIfPresent(value, forKey: .value)
    }
}

extension WireMapEntry: Decodable where Key: Decodable, Value: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(Key.self, forKey: .key)
        value = try container.decode(Value.self, forKey: .value)
    }
}

/// Maps are written sorted by key so the same map always gives the same bytes.
/// (`bool` keys, which Swift does not order, go false before true.)
extension Dictionary: WireSpecialEncodable where Key: Encodable, Value: Encodable {
    func wireEncode(to encoder: WireEncoderCore, field: Int, explicit: Bool, hint: ProtobufIntegerEncoding) throws {
        for key in Self.wireOrder(Array(keys)) {
            try encoder.encodeField(WireMapEntry(key: key, value: self[key]!), field: field, explicit: true, hint: .varint)
        }
    }

    private static func wireOrder(_ keys: [Key]) -> [Key] {
        if let comparable = Key.self as? any Comparable.Type { return sorted(keys, as: comparable) }
        if Key.self == Bool.self { return unsafeBitCast(unsafeBitCast(keys, to: [Bool].self).sorted { !$0 && $1 }, to: [Key].self) }
        return keys
    }

    // `C` is `Key`, opened from its existential: the bit casts only restore the static type.
    private static func sorted<C: Comparable>(_ keys: [Key], as: C.Type) -> [Key] {
        unsafeBitCast(unsafeBitCast(keys, to: [C].self).sorted(), to: [Key].self)
    }
}

extension Dictionary: WireSpecialDecodable where Key: Decodable, Value: Decodable {
    static func wireDecode(from decoder: WireDecoderCore, _ fields: FieldOccurrences, hint: ProtobufIntegerEncoding) throws -> [Key: Value] {
        var result: [Key: Value] = [:]
        for index in fields.indices(in: decoder) {
            let entry = try decoder.decodeField(WireMapEntry<Key, Value>.self, fields.single(index), hint: .varint)
            result[entry.key] = entry.value
        }
        return result
    }
}
