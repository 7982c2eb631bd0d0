/// Looks fields up in the segment of `WireDecoderCore.entries` that holds one
/// message's fields.
struct WireKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: WireDecoderCore
    let segment: Range<Int>
    let sorted: Bool
    /// Looked up once per message, not per field.
    let keyEncodings: (any ProtobufCodingKey.Type)?

    init(decoder: WireDecoderCore, segment: Range<Int>, sorted: Bool) {
        self.decoder = decoder
        self.segment = segment
        self.sorted = sorted
        self.keyEncodings = decoder.types.keyEncodings(of: Key.self)
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        var seen = Set<Int>()
        return segment.compactMap { index in
            let number = decoder.entries[index].number
            guard seen.insert(number).inserted else { return nil }
            return Key(intValue: number)
        }
    }

    @inline(__always)
    private func number(_ key: Key) throws -> Int {
        guard let number = key.intValue, number >= 1, number <= maxFieldNumber else {
            throw decoder.error(.missingIntegerKey, offset: 0, field: nil, "key '\(key.stringValue)' needs an integer value in 1...\(maxFieldNumber)")
        }
        return number
    }

    @inline(__always)
    private func fields(_ key: Key) throws -> FieldOccurrences {
        decoder.occurrences(of: try number(key), in: segment, sorted: sorted)
    }

    @inline(__always)
    private func hint(_ number: Int) -> ProtobufIntegerEncoding {
        keyEncodings?.integerEncoding(forField: number) ?? .varint
    }

    @inline(__always)
    private func scalar<S: WireScalar>(_ type: S.Type, _ key: Key) throws -> S {
        let fields = try fields(key)
        guard let index = decoder.lastIndex(of: fields) else { return S.wireDefault }
        return try decoder.readScalar(S.self, at: index, hint: S.isPackable ? hint(fields.number) : .varint)
    }

    @inline(__always)
    private func scalarIfPresent<S: WireScalar>(_ type: S.Type, _ key: Key) throws -> S? {
        let fields = try fields(key)
        guard let index = decoder.lastIndex(of: fields) else { return nil }
        return try decoder.readScalar(S.self, at: index, hint: S.isPackable ? hint(fields.number) : .varint)
    }

    func contains(_ key: Key) -> Bool {
        guard let fields = try? fields(key) else { return false }
        return !fields.isEmpty
    }

    func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try scalar(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try scalar(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try scalar(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try scalar(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try scalar(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try scalar(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try scalar(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try scalar(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try scalar(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try scalar(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try scalar(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try scalar(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try scalar(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try scalar(type, key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let fields = try fields(key)
        return try decoder.decodeField(T.self, fields, hint: hint(fields.number))
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try scalarIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try scalarIfPresent(type, key) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        let fields = try fields(key)
        guard !fields.isEmpty else { return nil }
        return try decoder.decodeField(T.self, fields, hint: hint(fields.number))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let fields = try fields(key)
        let saved = decoder.current
        decoder.current = .field(fields, hint: .varint)
        defer { decoder.current = saved }
        return try decoder.container(keyedBy: NestedKey.self)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let fields = try fields(key)
        return WireUnkeyedDecodingContainer(decoder: decoder, fields: fields, hint: hint(fields.number), indices: Array(fields.indices(in: decoder)))
    }

    func superDecoder() throws -> any Decoder {
        throw decoder.error(.unsupportedType, offset: 0, field: nil, "superDecoder is not supported")
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { try superDecoder() }
}

/// A repeated field read element by element (the generic path, for
/// collections other than `Array`). Numeric elements may come packed.
struct WireUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: WireDecoderCore
    let fields: FieldOccurrences
    let hint: ProtobufIntegerEncoding
    let indices: [Int]
    private(set) var currentIndex = 0
    /// Position inside a packed run, and where it ends.
    private var packedPosition = 0
    private var packedEnd = 0

    init(decoder: WireDecoderCore, fields: FieldOccurrences, hint: ProtobufIntegerEncoding, indices: [Int]) {
        self.decoder = decoder
        self.fields = fields
        self.hint = hint
        self.indices = indices
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { nil }
    var isAtEnd: Bool { packedPosition >= packedEnd && currentIndex >= indices.count }

    private func endOfList() -> WireFormatError {
        decoder.error(.truncated, offset: 0, field: fields.number, "no more elements")
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let scalar = T.self as? any WireScalar.Type, scalar.isPackable {
            return try decodePackable(scalar) as! T
        }
        if T.self is any ProtobufEnum.Type {
            let raw = try decodePackable(Int32.self)
            return (T.self as! any ProtobufEnum.Type).init(protobufValue: raw) as! T
        }
        guard currentIndex < indices.count else { throw endOfList() }
        let index = indices[currentIndex]
        currentIndex += 1
        return try decoder.decodeField(T.self, fields.single(index), hint: hint)
    }

    private mutating func decodePackable<S: WireScalar>(_ type: S.Type) throws -> S {
        if packedPosition < packedEnd {
            do {
                return try S.readValue(decoder.reader, &packedPosition, end: packedEnd, hint: hint, field: fields.number)
            } catch {
                throw decoder.located(error)
            }
        }
        guard currentIndex < indices.count else { throw endOfList() }
        let index = indices[currentIndex]
        currentIndex += 1
        let entry = decoder.entries[index]
        if entry.wireType == .lengthDelimited {
            packedPosition = entry.payloadStart
            packedEnd = entry.valueEnd
            return try decodePackable(type)
        }
        return try decoder.readScalar(S.self, at: index, hint: hint)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw decoder.error(.unsupportedType, offset: 0, field: fields.number, "nested containers are not supported")
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw decoder.error(.unsupportedType, offset: 0, field: fields.number, "nested containers are not supported")
    }

    mutating func superDecoder() throws -> any Decoder {
        throw decoder.error(.unsupportedType, offset: 0, field: fields.number, "superDecoder is not supported")
    }
}

/// A custom type that decodes itself from one value of the field it is in.
struct WireSingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: WireDecoderCore
    let fields: FieldOccurrences
    let hint: ProtobufIntegerEncoding

    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { fields.isEmpty }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // Decoding the same field again, as its own type.
        let saved = decoder.current
        defer { decoder.current = saved }
        if T.self is any WireSpecialDecodable.Type || T.self is any ProtobufEnum.Type {
            return try decoder.decodeField(T.self, fields, hint: hint)
        }
        throw decoder.error(.unsupportedType, offset: 0, field: fields.number, "a single value must be a scalar, not \(T.self)")
    }
}
