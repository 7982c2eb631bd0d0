import Foundation
import Testing
@testable import BizingWire

// The primitives of the wire format, checked byte for byte against hand-built
// encodings: varints, zigzag, fixed widths, tags, and the length prefixes the
// encoder patches in place after writing a nested body.

private struct U64Field: Codable, Equatable {
    var value: UInt64?
    enum CodingKeys: Int, CodingKey { case value = 1 }
}

private struct I32Field: Codable, Equatable {
    var value: Int32?
    enum CodingKeys: Int, CodingKey { case value = 1 }
}

private struct I64Field: Codable, Equatable {
    var value: Int64?
    enum CodingKeys: Int, CodingKey { case value = 1 }
}

private struct BoolField: Codable, Equatable {
    var value: Bool
    enum CodingKeys: Int, CodingKey { case value = 1 }
}

/// sint32 = 1, sint64 = 2, fixed32 = 3, fixed64 = 4, sfixed32 = 5, sfixed64 = 6, float = 7, double = 8.
private struct HintedFields: Codable, Equatable {
    var sint32: Int32?
    var sint64: Int64?
    var fixed32: UInt32?
    var fixed64: UInt64?
    var sfixed32: Int32?
    var sfixed64: Int64?
    var float: Float?
    var double: Double?

    enum CodingKeys: Int, ProtobufCodingKey {
        case sint32 = 1, sint64 = 2, fixed32 = 3, fixed64 = 4, sfixed32 = 5, sfixed64 = 6, float = 7, double = 8
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
            switch fieldNumber {
            case 1, 2: .zigZag
            case 3, 4, 5, 6: .fixed
            default: .varint
            }
        }
    }

    static func == (a: Self, b: Self) -> Bool {
        a.sint32 == b.sint32 && a.sint64 == b.sint64 && a.fixed32 == b.fixed32 && a.fixed64 == b.fixed64
            && a.sfixed32 == b.sfixed32 && a.sfixed64 == b.sfixed64
            && a.float?.bitPattern == b.float?.bitPattern && a.double?.bitPattern == b.double?.bitPattern
    }
}

private struct TagNumbers: Codable, Equatable {
    var f15: Int32 = 0
    var f16: Int32 = 0
    var f2047: Int32 = 0
    var f2048: Int32 = 0
    var fMax: Int32 = 0
    enum CodingKeys: Int, CodingKey {
        case f15 = 15, f16 = 16, f2047 = 2047, f2048 = 2048, fMax = 536_870_911
    }
}

private struct Blob: Codable, Equatable {
    var data = Data()
    enum CodingKeys: Int, CodingKey { case data = 1 }
}

/// A chain of nested messages: `payload` at the bottom, `child` above it.
private struct Node: Codable, Equatable {
    var payload = Data()
    var children: [Node] = []
    var tail: UInt32 = 0
    enum CodingKeys: Int, CodingKey { case payload = 1, children = 2, tail = 3 }
}

private struct Pair: Codable, Equatable {
    var pad = Data()
    var first = Blob()
    var number: Int32 = 0
    var second: Blob? = nil
    var list: [Blob] = []
    var packed: [UInt64] = []
    var when: Date? = nil
    enum CodingKeys: Int, CodingKey { case pad = 1, first = 2, number = 3, second = 4, list = 5, packed = 6, when = 7 }
}

// MARK: - Varints

private let varintTable: [(UInt64, [UInt8])] = [
    (0, [0x00]),
    (1, [0x01]),
    (127, [0x7F]),
    (128, [0x80, 0x01]),
    (300, [0xAC, 0x02]),
    (16_383, [0xFF, 0x7F]),
    (16_384, [0x80, 0x80, 0x01]),
    (2_097_151, [0xFF, 0xFF, 0x7F]),
    (2_097_152, [0x80, 0x80, 0x80, 0x01]),
    (1 << 28, [0x80, 0x80, 0x80, 0x80, 0x01]),
    (1 << 35, [0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
    (1 << 56, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
    (UInt64(Int64.max), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
    (1 << 63, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
    (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
]

@Test func varintBoundariesEncodeAndDecode() throws {
    for (value, expected) in varintTable {
        let bytes = try ProtobufEncoder().encode(U64Field(value: value))
        #expect(bytes == [0x08] + expected, "value \(value)")
        #expect(try ProtobufDecoder().decode(U64Field.self, from: bytes) == U64Field(value: value))
        #expect(varintSize(value) == expected.count, "varintSize(\(value))")
        #expect(HandWire.varint(value) == expected)
    }
}

@Test func varintWriterAndReaderAgreeAtEveryBoundary() throws {
    // Every power of two and its neighbours, written back to back.
    var values: [UInt64] = [0, UInt64.max, UInt64.max - 1]
    for bit in 0..<64 {
        let p = UInt64(1) << bit
        values += [p - 1, p, p + 1]
    }
    let writer = WireWriter(capacity: 16)
    for value in values { writer.writeVarint(value) }
    let written = writer.toArray()
    #expect(written == values.flatMap(HandWire.varint))
    try written.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> Void in
        let reader = WireReader(base: raw)
        var position = 0
        for value in values {
            let start = position
            let read = try reader.readVarint(&position, end: raw.count, field: nil)
            #expect(read == value)
            #expect(position - start == varintSize(value))
        }
        #expect(position == raw.count)
    }
}

@Test func negativeInt32IsTenBytes() throws {
    let cases: [(Int32, [UInt8])] = [
        (-1, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (-2, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (Int32.min, [0x80, 0x80, 0x80, 0x80, 0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (Int32.max, [0xFF, 0xFF, 0xFF, 0xFF, 0x07]),
        (0, [0x00]),
    ]
    for (value, expected) in cases {
        let bytes = try ProtobufEncoder().encode(I32Field(value: value))
        #expect(bytes == [0x08] + expected, "int32 \(value)")
        #expect(try ProtobufDecoder().decode(I32Field.self, from: bytes).value == value)
    }
    let int64Cases: [(Int64, [UInt8])] = [
        (-1, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (Int64.min, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
        (Int64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
    ]
    for (value, expected) in int64Cases {
        let bytes = try ProtobufEncoder().encode(I64Field(value: value))
        #expect(bytes == [0x08] + expected, "int64 \(value)")
        #expect(try ProtobufDecoder().decode(I64Field.self, from: bytes).value == value)
    }
}

@Test func int32FieldKeepsTheLow32BitsOfAWiderVarint() throws {
    // As the reference runtimes do: an int32 parsed from a 64-bit varint is truncated.
    let bytes = [0x08] + HandWire.varint((UInt64(1) << 32) + 5)
    #expect(try ProtobufDecoder().decode(I32Field.self, from: bytes).value == 5)
    // A negative int32 written by a peer as a 5-byte (sign-truncated) varint still reads back.
    let short = [0x08] + HandWire.varint(UInt64(UInt32(bitPattern: -7)))
    #expect(try ProtobufDecoder().decode(I32Field.self, from: short).value == -7)
}

@Test func nonMinimalVarintsAreAccepted() throws {
    // Value 1 padded to 10 bytes; the tag padded to 3 bytes; a length padded to 2 bytes.
    let paddedValue: [UInt8] = [0x08, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]
    #expect(try ProtobufDecoder().decode(U64Field.self, from: paddedValue).value == 1)
    let paddedTag: [UInt8] = [0x88, 0x80, 0x00, 0x05]
    #expect(try ProtobufDecoder().decode(U64Field.self, from: paddedTag).value == 5)
    let paddedLength: [UInt8] = [0x0A, 0x83, 0x00, 0x61, 0x62, 0x63]
    #expect(try ProtobufDecoder().decode(Blob.self, from: paddedLength).data == Data("abc".utf8))
}

@Test func boolEncodingAndLenientDecoding() throws {
    #expect(try ProtobufEncoder().encode(BoolField(value: true)) == [0x08, 0x01])
    #expect(try ProtobufEncoder().encode(BoolField(value: false)) == [])
    for raw: UInt64 in [1, 2, 0x80, UInt64.max] {
        #expect(try ProtobufDecoder().decode(BoolField.self, from: [0x08] + HandWire.varint(raw)).value == true)
    }
    #expect(try ProtobufDecoder().decode(BoolField.self, from: [0x08, 0x00]).value == false)
}

// MARK: - ZigZag

@Test func zigZagMapping() throws {
    let pairs: [(Int64, UInt64)] = [
        (0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4), (63, 126), (-64, 127), (64, 128),
        (Int64(Int32.max), 4_294_967_294), (Int64(Int32.min), 4_294_967_295),
        (Int64.max, UInt64.max - 1), (Int64.min, UInt64.max),
    ]
    for (value, encoded) in pairs {
        #expect(zigZagEncode(value) == encoded, "zigzag(\(value))")
        #expect(zigZagDecode(encoded) == value, "unzigzag(\(encoded))")
    }
    // sint32 on the wire.
    let sint32: [(Int32, [UInt8])] = [
        (0, [0x00]), (-1, [0x01]), (1, [0x02]), (-64, [0x7F]), (64, [0x80, 0x01]),
        (Int32.max, [0xFE, 0xFF, 0xFF, 0xFF, 0x0F]), (Int32.min, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
    ]
    for (value, expected) in sint32 {
        let message = HintedFields(sint32: value)
        let bytes = try ProtobufEncoder().encode(message)
        #expect(bytes == [0x08] + expected, "sint32 \(value)")
        #expect(try ProtobufDecoder().decode(HintedFields.self, from: bytes) == message)
    }
    let sint64: [(Int64, [UInt8])] = [
        (-1, [0x01]), (Int64.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        (Int64.min, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    ]
    for (value, expected) in sint64 {
        let message = HintedFields(sint64: value)
        let bytes = try ProtobufEncoder().encode(message)
        #expect(bytes == [0x10] + expected, "sint64 \(value)")
        #expect(try ProtobufDecoder().decode(HintedFields.self, from: bytes) == message)
    }
}

@Test func sint32KeepsTheLow32BitsOfAWiderZigZagVarint() throws {
    // The reference runtimes read an over-wide sint32 varint as its low 32
    // bits and only then undo the zigzag (C++: ReadVarint32 + ZigZagDecode32;
    // Go: DecodeZigZag(v & MaxUint32)): 2^32 + 2 -> 2 -> 1, and
    // 2^32 + 3 -> 3 -> -2. Undoing the zigzag on 64 bits first gives
    // -2147483647 and 2147483646 instead.
    for (raw, expected): (UInt64, Int32) in [((1 << 32) + 2, 1), ((1 << 32) + 3, -2), (UInt64.max, Int32.min)] {
        let bytes = [0x08] + HandWire.varint(raw)
        #expect(try ProtobufDecoder().decode(HintedFields.self, from: bytes).sint32 == expected, "varint \(raw)")
    }
}

// MARK: - Fixed widths

@Test func fixedWidthLayouts() throws {
    let message = HintedFields(
        fixed32: 0xDEAD_BEEF, fixed64: 0x0102_0304_0506_0708, sfixed32: -2, sfixed64: Int64.min,
        float: 1.5, double: -0.0)
    let bytes = try ProtobufEncoder().encode(message)
    let expected: [UInt8] =
        [0x1D, 0xEF, 0xBE, 0xAD, 0xDE]
        + [0x21, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01]
        + [0x2D, 0xFE, 0xFF, 0xFF, 0xFF]
        + [0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80]
        + [0x3D, 0x00, 0x00, 0xC0, 0x3F]
        + [0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80]
    #expect(bytes == expected)
    #expect(try ProtobufDecoder().decode(HintedFields.self, from: bytes) == message)

    // Extremes and special floating-point values survive bit for bit.
    let floats: [Float] = [.nan, -.nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -0.0,
                           Float(bitPattern: 0x7FA0_0001)]
    let doubles: [Double] = [.nan, .infinity, -.infinity, .leastNonzeroMagnitude, .ulpOfOne, -0.0,
                             Double(bitPattern: 0x7FF4_0000_0000_0001)]
    for (f, d) in zip(floats, doubles) {
        let extremes = HintedFields(
            fixed32: .max, fixed64: .max, sfixed32: .min, sfixed64: .max, float: f, double: d)
        let encoded = try ProtobufEncoder().encode(extremes)
        #expect(try ProtobufDecoder().decode(HintedFields.self, from: encoded) == extremes)
    }
}

// MARK: - Tags

@Test func tagSizesByFieldNumber() throws {
    let message = TagNumbers(f15: 1, f16: 1, f2047: 1, f2048: 1, fMax: 1)
    let bytes = try ProtobufEncoder().encode(message)
    let expected: [UInt8] =
        [0x78, 0x01]
        + [0x80, 0x01, 0x01]
        + [0xF8, 0x7F, 0x01]
        + [0x80, 0x80, 0x01, 0x01]
        + [0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]
    #expect(bytes == expected)
    #expect(try ProtobufDecoder().decode(TagNumbers.self, from: bytes) == message)
}

// MARK: - Length prefixes

/// The bytes of a `Node`, built bottom-up with lengths known in advance.
private func handEncoded(_ node: Node) -> [UInt8] {
    var out: [UInt8] = []
    if !node.payload.isEmpty { out += HandWire.lengthDelimited(1, Array(node.payload)) }
    for child in node.children { out += HandWire.lengthDelimited(2, handEncoded(child)) }
    if node.tail != 0 { out += HandWire.varintField(3, UInt64(node.tail)) }
    return out
}

private func chain(levels: Int, payload: Int, tail: UInt32 = 0) -> Node {
    var node = Node(payload: Data(repeating: 0xA5, count: payload))
    for level in 0..<levels {
        node = Node(children: [node], tail: level.isMultiple(of: 2) ? tail : 0)
    }
    return node
}

/// Payload sizes that put a body, or the body of an enclosing message, just
/// below, at, or just above a varint length boundary.
private let boundarySizes: [Int] =
    Array(0...3) + Array(118...136) + Array(250...262) + Array(16_370...16_392)

@Test func lengthPrefixesAtVarintBoundaries() throws {
    for size in boundarySizes {
        let blob = Blob(data: Data(repeating: 0x5A, count: size))
        let bytes = try ProtobufEncoder().encode(Node(children: [Node(payload: blob.data)]))
        expectSameBytes(bytes, handEncoded(Node(children: [Node(payload: blob.data)])), "payload \(size)")
        // The prefix of the nested body is exactly as long as its varint.
        let body = size == 0 ? 0 : 1 + varintSize(UInt64(size)) + size
        #expect(bytes.count == 1 + varintSize(UInt64(body)) + body)
    }
}

@Test func nestedLengthShiftsCompound() throws {
    // Several levels whose lengths cross 127/128 and 16383/16384 at different
    // depths, so one shift moves bytes that an outer shift moves again.
    for levels in [1, 2, 3, 5, 8] {
        for size in boundarySizes {
            for tail: UInt32 in [0, 300] {
                let node = chain(levels: levels, payload: size, tail: tail)
                let bytes = try ProtobufEncoder().encode(node)
                let expected = handEncoded(node)
                expectSameBytes(bytes, expected, "levels \(levels), payload \(size), tail \(tail)")
                if bytes == expected {
                    #expect(try ProtobufDecoder().decode(Node.self, from: bytes) == node)
                }
            }
        }
    }
}

@Test func lengthPrefixAcrossTheThreeAndFourByteBoundary() throws {
    // 2^21 - 1 / 2^21: three- and four-byte length prefixes, two levels deep.
    for size in [2_097_145, 2_097_146, 2_097_147, 2_097_148, 2_097_151, 2_097_152] {
        let node = chain(levels: 2, payload: size)
        let bytes = try ProtobufEncoder().encode(node)
        expectSameBytes(bytes, handEncoded(node), "payload \(size)")
        #expect(try ProtobufDecoder().decode(Node.self, from: bytes) == node)
    }
}

@Test func wideTreesOfShiftedSiblings() throws {
    // Siblings of different sizes: each shift must leave the bytes already
    // written before it (and the lengths patched there) alone.
    let sizes = [0, 5, 126, 127, 128, 129, 200, 16_383, 16_384, 3, 16_500, 127]
    let leaves = sizes.map { Node(payload: Data(repeating: UInt8($0 & 0xFF), count: $0), tail: UInt32($0)) }
    let middle = (0..<4).map { i in Node(payload: Data(count: i * 60), children: Array(leaves[(i * 3)..<(i * 3 + 3)]), tail: 7) }
    let root = Node(payload: Data("root".utf8), children: middle + [chain(levels: 4, payload: 125)], tail: 1)
    let bytes = try ProtobufEncoder().encode(root)
    expectSameBytes(bytes, handEncoded(root), "tree")
    #expect(try ProtobufDecoder().decode(Node.self, from: bytes) == root)
}

@Test func shiftsNearTheWriterCapacity() throws {
    // The writer starts at 256 bytes and doubles; move the shifting body
    // across every offset near the first growth points.
    for pad in 0...300 {
        let message = Pair(
            pad: Data(repeating: 1, count: pad),
            first: Blob(data: Data(repeating: 2, count: 130)),
            number: -1,
            second: Blob(data: Data(repeating: 3, count: 127)),
            list: [Blob(data: Data(repeating: 4, count: 128)), Blob(), Blob(data: Data(count: 1))],
            packed: (0..<130).map { UInt64($0) },
            when: Date(timeIntervalSince1970: 1_700_000_000))
        var expected: [UInt8] = []
        if pad > 0 { expected += HandWire.lengthDelimited(1, Array(message.pad)) }
        expected += HandWire.lengthDelimited(2, HandWire.lengthDelimited(1, Array(message.first.data)))
        expected += HandWire.varintField(3, UInt64(bitPattern: -1))
        expected += HandWire.lengthDelimited(4, HandWire.lengthDelimited(1, Array(message.second!.data)))
        for blob in message.list {
            expected += HandWire.lengthDelimited(5, blob.data.isEmpty ? [] : HandWire.lengthDelimited(1, Array(blob.data)))
        }
        expected += HandWire.lengthDelimited(6, message.packed.flatMap(HandWire.varint))
        expected += HandWire.lengthDelimited(7, HandWire.timestamp(seconds: 1_700_000_000, nanos: 0))
        let bytes = try ProtobufEncoder().encode(message)
        expectSameBytes(bytes, expected, "pad \(pad)")
        if pad.isMultiple(of: 10) {
            #expect(try ProtobufDecoder().decode(Pair.self, from: bytes) == message)
        }
    }
}

@Test func packedBodiesAtLengthBoundaries() throws {
    // (`first`, a message field, is always written: two bytes for an empty one.)
    for count in [0, 1, 126, 127, 128, 129, 16_383, 16_384, 16_385] {
        for wide in [false, true] {
            let message = Pair(packed: (0..<count).map { wide ? UInt64($0) << 14 : UInt64($0 % 128) })
            let bytes = try ProtobufEncoder().encode(message)
            let packed = count == 0 ? [] : HandWire.lengthDelimited(6, message.packed.flatMap(HandWire.varint))
            expectSameBytes(bytes, HandWire.lengthDelimited(2, []) + packed, "\(count) packed elements, wide \(wide)")
            #expect(try ProtobufDecoder().decode(Pair.self, from: bytes) == message)
        }
    }
}
