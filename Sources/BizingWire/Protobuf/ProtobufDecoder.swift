public import NIOCore
public import struct Foundation.Data

/// Decodes protobuf binary messages into `Decodable` values.
///
/// Unknown fields of every wire type are skipped; repeated scalars are read
/// packed or unpacked; for a non-repeated field seen twice the last value
/// wins (and two occurrences of a message field merge, as the spec says);
/// absent fields take their proto3 default and absent `Optional`s stay nil.
/// Malformed input is rejected with a `WireFormatError` naming the field and
/// byte offset; the decoder never reads outside the buffer it is given.
public struct ProtobufDecoder: Sendable {
    /// How deeply messages may nest (the protobuf reference runtimes allow 100;
    /// Bizing's own messages need fewer than 10, and each level costs stack).
    public static let defaultMaxDepth = 64

    public var maxDepth: Int

    public init(maxDepth: Int = ProtobufDecoder.defaultMaxDepth) {
        self.maxDepth = maxDepth
    }

    public func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        guard bytes.count < Int(Int32.max) else {
            throw WireFormatError(code: .messageTooLarge, offset: 0, fieldNumber: nil, detail: "\(bytes.count) bytes")
        }
        let core = WireDecoderCore(bytes: bytes, maxDepth: maxDepth)
        guard case .other = core.types.decodeKind(of: T.self) else {
            throw WireFormatError(code: .unsupportedType, offset: 0, fieldNumber: nil, detail: "a top-level message must be a message type, not \(T.self)")
        }
        return try T(from: core)
    }

    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { try decode(type, from: $0) }
    }

    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { try decode(type, from: $0) }
    }

    /// Decodes the readable bytes of `buffer` without moving its reader index.
    public func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try buffer.withUnsafeReadableBytes { try decode(type, from: $0) }
    }
}

/// One field occurrence found while scanning a message.
struct FieldEntry {
    var number: Int
    var wireType: WireType
    var tagOffset: Int
    /// Where the value's encoding starts: the varint, the fixed bytes, the
    /// length prefix of a length-delimited value, or a group's body.
    var valueStart: Int
    /// A length-delimited value's payload starts here (after its length).
    var payloadStart: Int
    var valueEnd: Int
}

/// The occurrences of one field number within a message's entries: a range of
/// `WireDecoderCore.entries`, filtered by number unless the range holds only
/// that field.
struct FieldOccurrences {
    let number: Int
    let range: Range<Int>
    let filtered: Bool

    static func none(_ number: Int) -> FieldOccurrences { FieldOccurrences(number: number, range: 0..<0, filtered: false) }

    var isEmpty: Bool { range.isEmpty }

    func single(_ index: Int) -> FieldOccurrences { FieldOccurrences(number: number, range: index..<(index + 1), filtered: false) }

    func indices(in decoder: WireDecoderCore) -> LazyFilterSequence<Range<Int>> {
        let number = number, filtered = filtered
        return range.lazy.filter { !filtered || decoder.entries[$0].number == number }
    }
}

/// The `Decoder` behind `ProtobufDecoder`. One instance decodes a whole message
/// tree: each message is scanned once into `entries` (a stack of segments,
/// popped when the nested value is done), and containers look fields up there.
final class WireDecoderCore: Decoder {
    enum Current {
        case message(Range<Int>)
        case field(FieldOccurrences, hint: ProtobufIntegerEncoding)
    }

    let reader: WireReader
    let types = WireTypeCache.current
    let maxDepth: Int
    // Confined to one decode call on one thread; unchecked exclusivity saves
    // a runtime check on every field lookup.
    @exclusivity(unchecked) var entries: [FieldEntry] = []
    @exclusivity(unchecked) var fieldPath: [Int] = []
    @exclusivity(unchecked) var current: Current
    /// Where the last sorted lookup ended: a hint, checked before use.
    @exclusivity(unchecked) var lookupCursor = 0

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        reader = WireReader(base: bytes)
        self.maxDepth = maxDepth
        current = .message(0..<bytes.count)
        entries.reserveCapacity(64)
        fieldPath.reserveCapacity(8)
    }

    var codingPath: [any CodingKey] { fieldPath.map { WireIndexKey(intValue: $0) } }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func error(_ code: WireFormatError.Code, offset: Int, field: Int?, _ detail: String) -> WireFormatError {
        WireFormatError(code: code, offset: offset, fieldNumber: field, fieldPath: fieldPath + (field.map { [$0] } ?? []), detail: detail)
    }

    func wrongWireType(_ entry: FieldEntry, expected: WireType) -> WireFormatError {
        error(.wrongWireType, offset: entry.tagOffset, field: entry.number, "expected \(expected.name), found \(entry.wireType.name)")
    }

    /// Adds the path of the enclosing messages to an error from `WireReader`,
    /// which knows offsets and field numbers but not where it is in the tree.
    /// Errors that already carry a path are returned as they are.
    func located(_ error: WireFormatError, under path: [Int]? = nil) -> WireFormatError {
        guard error.fieldPath.isEmpty else { return error }
        return WireFormatError(
            code: error.code, offset: error.offset, fieldNumber: error.fieldNumber,
            fieldPath: (path ?? fieldPath) + (error.fieldNumber.map { [$0] } ?? []), detail: error.detail)
    }

    // MARK: Scanning

    /// Appends an entry per field in `range`; returns whether the numbers were
    /// non-decreasing, which lets lookups binary-search.
    func scan(_ range: Range<Int>, segmentStart: Int, sorted: Bool) throws(WireFormatError) -> Bool {
        do {
            return try scanFields(range, segmentStart: segmentStart, sorted: sorted)
        } catch {
            throw located(error)
        }
    }

    private func scanFields(_ range: Range<Int>, segmentStart: Int, sorted: Bool) throws(WireFormatError) -> Bool {
        var sorted = sorted
        var previous = entries.count > segmentStart ? entries[entries.count - 1].number : 0
        var position = range.lowerBound
        let end = range.upperBound
        while position < end {
            let tagOffset = position
            let (number, wireType) = try reader.readTag(&position, end: end)
            let valueStart: Int
            switch wireType {
            case .varint:
                valueStart = position
                _ = try reader.readVarint(&position, end: end, field: number)
            case .fixed64:
                valueStart = position
                _ = try reader.readFixed64(&position, end: end, field: number)
            case .fixed32:
                valueStart = position
                _ = try reader.readFixed32(&position, end: end, field: number)
            case .lengthDelimited:
                valueStart = position
                let payload = try reader.readLengthDelimited(&position, end: end, field: number)
                entries.append(FieldEntry(
                    number: number, wireType: wireType, tagOffset: tagOffset,
                    valueStart: valueStart, payloadStart: payload.lowerBound, valueEnd: position))
                if number < previous { sorted = false }
                previous = number
                continue
            case .startGroup:
                valueStart = position
                let depthLeft = maxDepth - fieldPath.count
                try reader.skipValue(.startGroup, fieldNumber: number, tagOffset: tagOffset, &position, end: end, depthLeft: depthLeft)
            case .endGroup:
                throw error(.unmatchedEndGroup, offset: tagOffset, field: number, "end group without a start")
            }
            entries.append(FieldEntry(
                number: number, wireType: wireType, tagOffset: tagOffset,
                valueStart: valueStart, payloadStart: valueStart, valueEnd: position))
            if number < previous { sorted = false }
            previous = number
        }
        return sorted
    }

    /// Finds a field's occurrences in a message's segment.
    func occurrences(of number: Int, in segment: Range<Int>, sorted: Bool) -> FieldOccurrences {
        if sorted {
            // Lower and upper bound of `number` in a non-decreasing run.
            // Synthesised `init(from:)` asks for fields in declaration order,
            // which is wire order, so where the last lookup ended is nearly
            // always the answer; a binary search covers the rest.
            var low = lookupCursor
            let cursorFits = low >= segment.lowerBound && low <= segment.upperBound
                && (low == segment.lowerBound || entries[low &- 1].number < number)
                && (low == segment.upperBound || entries[low].number >= number)
            if !cursorFits {
                low = segment.lowerBound
                var high = segment.upperBound
                while low < high {
                    let mid = (low &+ high) >> 1
                    if entries[mid].number < number { low = mid &+ 1 } else { high = mid }
                }
            }
            var upper = low
            while upper < segment.upperBound && entries[upper].number == number { upper &+= 1 }
            lookupCursor = upper
            return FieldOccurrences(number: number, range: low..<upper, filtered: false)
        }
        var first = -1, last = -1
        for index in segment where entries[index].number == number {
            if first < 0 { first = index }
            last = index
        }
        return first < 0 ? .none(number) : FieldOccurrences(number: number, range: first..<(last + 1), filtered: true)
    }

    func lastIndex(of fields: FieldOccurrences) -> Int? {
        guard !fields.isEmpty else { return nil }
        if !fields.filtered { return fields.range.upperBound - 1 }
        var index = fields.range.upperBound - 1
        while entries[index].number != fields.number { index -= 1 }
        return index
    }

    // MARK: Reading values

    func readScalar<S: WireScalar>(_ type: S.Type, at index: Int, hint: ProtobufIntegerEncoding) throws -> S {
        let entry = entries[index]
        let expected = S.wireType(hint)
        guard entry.wireType == expected else { throw wrongWireType(entry, expected: expected) }
        var position = entry.valueStart
        do {
            return try S.readValue(reader, &position, end: entry.valueEnd, hint: hint, field: entry.number)
        } catch {
            throw WireFormatError(code: error.code, offset: error.offset, fieldNumber: entry.number, fieldPath: fieldPath + [entry.number], detail: error.detail)
        }
    }

    /// Reads a `google.protobuf.Timestamp`, merging repeated occurrences.
    func readTimestamp(_ fields: FieldOccurrences) throws -> WireTimestamp {
        var timestamp = WireTimestamp(seconds: 0, nanos: 0)
        for index in fields.indices(in: self) {
            let entry = entries[index]
            guard entry.wireType == .lengthDelimited else { throw wrongWireType(entry, expected: .lengthDelimited) }
            var position = entry.payloadStart
            do throws(WireFormatError) {
                while position < entry.valueEnd {
                    let tagOffset = position
                    let (number, wireType) = try reader.readTag(&position, end: entry.valueEnd)
                    switch (number, wireType) {
                    case (1, .varint):
                        timestamp.seconds = Int64(bitPattern: try reader.readVarint(&position, end: entry.valueEnd, field: 1))
                    case (2, .varint):
                        timestamp.nanos = Int32(truncatingIfNeeded: try reader.readVarint(&position, end: entry.valueEnd, field: 2))
                    case (1, _), (2, _):
                        throw error(.wrongWireType, offset: tagOffset, field: entry.number, "timestamp field \(number) must be a varint")
                    default:
                        try reader.skipValue(
                            wireType, fieldNumber: number, tagOffset: tagOffset, &position, end: entry.valueEnd,
                            depthLeft: maxDepth - fieldPath.count)
                    }
                }
            } catch {
                throw located(error, under: fieldPath + [entry.number])
            }
            guard (0..<1_000_000_000).contains(timestamp.nanos) else {
                throw error(.valueOutOfRange, offset: entry.tagOffset, field: entry.number, "timestamp nanos \(timestamp.nanos) outside 0...999999999")
            }
            // The spec's range (years 1 to 9999), which the encoder enforces
            // too, so every decoded Date can be written back.
            guard WireTimestamp.validSeconds.contains(timestamp.seconds) else {
                throw error(.valueOutOfRange, offset: entry.tagOffset, field: entry.number, "timestamp seconds \(timestamp.seconds) outside years 1...9999")
            }
        }
        return timestamp
    }

    /// Decodes one field's value: the common entry point for keyed, unkeyed and map values.
    func decodeField<T: Decodable>(_ type: T.Type, _ fields: FieldOccurrences, hint: ProtobufIntegerEncoding) throws -> T {
        switch types.decodeKind(of: T.self) {
        case .scalar(let scalar):
            return try decodeSpecial(scalar, as: T.self, fields, hint: hint)
        case .special(let special):
            return try decodeSpecial(special, as: T.self, fields, hint: hint)
        case .protobufEnum(let enumType):
            return try decodeEnum(enumType, as: T.self, fields)
        case .other:
            break
        }
        // A nested message, or a custom type that picks its own container.
        guard fieldPath.count < maxDepth else {
            let offset = lastIndex(of: fields).map { entries[$0].tagOffset } ?? 0
            throw error(.nestingTooDeep, offset: offset, field: fields.number, "more than \(maxDepth) nested messages")
        }
        let savedCurrent = current
        let savedCount = entries.count
        current = .field(fields, hint: hint)
        fieldPath.append(fields.number)
        defer {
            fieldPath.removeLast()
            current = savedCurrent
            entries.removeSubrange(savedCount...)
        }
        return try T(from: self)
    }

    // `S` is `T`, opened from its existential: the bit cast only restores
    // the static type and avoids a dynamic cast per field.
    private func decodeSpecial<S: WireSpecialDecodable, T>(
        _ type: S.Type, as: T.Type, _ fields: FieldOccurrences, hint: ProtobufIntegerEncoding
    ) throws -> T {
        unsafeBitCast(try S.wireDecode(from: self, fields, hint: hint), to: T.self)
    }

    private func decodeEnum<E: ProtobufEnum, T>(_ type: E.Type, as: T.Type, _ fields: FieldOccurrences) throws -> T {
        unsafeBitCast(try E.readSingle(self, fields), to: T.self)
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let segmentStart = entries.count
        var sorted = true
        switch current {
        case .message(let range):
            sorted = try scan(range, segmentStart: segmentStart, sorted: true)
        case .field(let fields, _):
            // Several occurrences of a message field merge: their fields are
            // scanned into one segment, later ones winning.
            for index in fields.indices(in: self) {
                let entry = entries[index]
                guard entry.wireType == .lengthDelimited else {
                    // `decodeField` has already put this field on the path.
                    throw WireFormatError(
                        code: .wrongWireType, offset: entry.tagOffset, fieldNumber: entry.number, fieldPath: fieldPath,
                        detail: "expected \(WireType.lengthDelimited.name), found \(entry.wireType.name)")
                }
                sorted = try scan(entry.payloadStart..<entry.valueEnd, segmentStart: segmentStart, sorted: sorted)
            }
        }
        let container = WireKeyedDecodingContainer<Key>(decoder: self, segment: segmentStart..<entries.count, sorted: sorted)
        return KeyedDecodingContainer(container)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .field(let fields, let hint) = current else {
            throw error(.unsupportedType, offset: 0, field: nil, "a top-level message cannot be a list")
        }
        return WireUnkeyedDecodingContainer(decoder: self, fields: fields, hint: hint, indices: Array(fields.indices(in: self)))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        guard case .field(let fields, let hint) = current else {
            throw error(.unsupportedType, offset: 0, field: nil, "a top-level message cannot be a single value")
        }
        return WireSingleValueDecodingContainer(decoder: self, fields: fields, hint: hint)
    }
}
