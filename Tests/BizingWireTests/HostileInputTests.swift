import Foundation
import Testing
@testable import BizingWire

// Malformed and malicious input: every byte string either decodes or is
// rejected with a `WireFormatError` that names the right field and offset;
// nothing traps, reads out of bounds, recurses without limit, or throws
// anything else.

// MARK: - A message with every kind of field

private struct RichChild: Codable {
    var name: String = ""
    var score: Int32 = 0
    var children: [RichChild] = []
    var when: Date? = nil
    var blob = Data()
    var ratio: Float = 0
    var tags: [String: Int64] = [:]
    enum CodingKeys: Int, ProtobufCodingKey {
        case name = 1, score = 2, children = 3, when = 4, blob = 5, ratio = 6, tags = 7
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding { fieldNumber == 2 ? .zigZag : .varint }
    }
}

/// A recursive message through a class.
private final class RichLink: Codable {
    var value: UInt64 = 0
    var next: RichLink? = nil
    init(value: UInt64 = 0, next: RichLink? = nil) {
        self.value = value
        self.next = next
    }
    enum CodingKeys: Int, CodingKey { case value = 1, next = 2 }

    var depth: Int { 1 + (next?.depth ?? 0) }
}

/// Field numbers 1 ... 15 (one-byte tags, so random bytes hit them often)
/// hold the most structured kinds.
private struct Rich: Codable {
    var int32: Int32 = 0
    var text: String = ""
    var children: [RichChild] = []
    var when = Date(timeIntervalSince1970: 0)
    var counts: [String: Int32] = [:]
    var ints: [Int32] = []
    var blob = Data()
    var mood: WireTestMood = .unspecified
    var child: RichChild? = nil
    var sfixed64: Int64 = 0
    var fixed32: UInt32 = 0
    var double: Double = 0
    var strings: [String] = []
    var link: RichLink? = nil
    var small: Int16 = 0
    var sint64: Int64 = 0
    var uint64: UInt64 = 0
    var bools: [Bool] = []
    var floats: [Float] = []
    var moods: [WireTestMood] = []
    var dates: [Date] = []
    var byId: [Int32: RichChild] = [:]
    var optionalInt: Int64? = nil
    var optionalText: String? = nil
    var optionalMood: WireTestMood? = nil
    var tiny: UInt8 = 0
    var uuid: UUID? = nil
    var sints: [Int32] = []
    var fixeds: [UInt64] = []
    var blobs: [Data] = []
    var flag = false
    var uint32: UInt32 = 0

    enum CodingKeys: Int, ProtobufCodingKey {
        case int32 = 1, text, children, when, counts, ints, blob, mood, child, sfixed64, fixed32, double, strings, link, small
        case sint64 = 16, uint64, bools, floats, moods, dates, byId, optionalInt, optionalText, optionalMood, tiny, uuid
        case sints, fixeds, blobs, flag, uint32
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
            switch fieldNumber {
            case 16, 28: .zigZag
            case 10, 11, 29: .fixed
            default: .varint
            }
        }
    }
}

private func randomText(_ rng: inout WireTestRandom, maxLength: Int) -> String {
    let alphabet: [Unicode.Scalar] = ["a", "b", "Z", "0", " ", "é", "ß", "中", "😀", "\u{0}", "\u{301}", "\u{10FFFF}"]
    var scalars = String.UnicodeScalarView()
    for _ in 0..<Int.random(in: 0...maxLength, using: &rng) { scalars.append(alphabet.randomElement(using: &rng)!) }
    return String(scalars)
}

private func randomChild(_ rng: inout WireTestRandom, depth: Int) -> RichChild {
    var child = RichChild()
    if Bool.random(using: &rng) { child.name = randomText(&rng, maxLength: 6) }
    if Bool.random(using: &rng) { child.score = Int32.random(in: .min ... .max, using: &rng) }
    if depth > 0 { child.children = (0..<Int.random(in: 0...2, using: &rng)).map { _ in randomChild(&rng, depth: depth - 1) } }
    if Bool.random(using: &rng) { child.when = Date(timeIntervalSince1970: Double.random(in: -1e9...4e9, using: &rng)) }
    if Bool.random(using: &rng) { child.blob = Data((0..<Int.random(in: 0...12, using: &rng)).map { UInt8($0) }) }
    if Bool.random(using: &rng) { child.ratio = Float.random(in: -1...1, using: &rng) }
    if Bool.random(using: &rng) { child.tags = ["k": Int64.random(in: .min ... .max, using: &rng)] }
    return child
}

private func randomRich(_ rng: inout WireTestRandom) -> Rich {
    var m = Rich()
    func coin(_ rng: inout WireTestRandom) -> Bool { Int.random(in: 0..<3, using: &rng) != 0 }
    if coin(&rng) { m.int32 = Int32.random(in: .min ... .max, using: &rng) }
    if coin(&rng) { m.text = randomText(&rng, maxLength: 12) }
    m.children = (0..<Int.random(in: 0...2, using: &rng)).map { _ in randomChild(&rng, depth: 2) }
    if coin(&rng) { m.when = Date(timeIntervalSince1970: Double.random(in: -1e10...1e10, using: &rng)) }
    if coin(&rng) { m.counts = ["a": Int32.random(in: -5...5, using: &rng), randomText(&rng, maxLength: 3): 1] }
    m.ints = (0..<Int.random(in: 0...5, using: &rng)).map { _ in Int32.random(in: .min ... .max, using: &rng) }
    if coin(&rng) { m.blob = Data((0..<Int.random(in: 0...20, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }) }
    if coin(&rng) { m.mood = WireTestMood(protobufValue: Int32.random(in: -3...3, using: &rng)) }
    if coin(&rng) { m.child = randomChild(&rng, depth: 1) }
    if coin(&rng) { m.sfixed64 = Int64.random(in: .min ... .max, using: &rng) }
    if coin(&rng) { m.fixed32 = UInt32.random(in: .min ... .max, using: &rng) }
    if coin(&rng) { m.double = Double.random(in: -1e300...1e300, using: &rng) }
    m.strings = (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomText(&rng, maxLength: 4) }
    if coin(&rng) {
        var link: RichLink? = nil
        for _ in 0..<Int.random(in: 1...4, using: &rng) { link = RichLink(value: UInt64.random(in: 0...1000, using: &rng), next: link) }
        m.link = link
    }
    if coin(&rng) { m.small = Int16.random(in: .min ... .max, using: &rng) }
    if coin(&rng) { m.sint64 = Int64.random(in: .min ... .max, using: &rng) }
    if coin(&rng) { m.uint64 = UInt64.random(in: .min ... .max, using: &rng) }
    m.bools = (0..<Int.random(in: 0...3, using: &rng)).map { _ in Bool.random(using: &rng) }
    m.floats = (0..<Int.random(in: 0...2, using: &rng)).map { _ in Float.random(in: -10...10, using: &rng) }
    m.moods = (0..<Int.random(in: 0...3, using: &rng)).map { _ in WireTestMood(protobufValue: Int32.random(in: -1...3, using: &rng)) }
    m.dates = (0..<Int.random(in: 0...2, using: &rng)).map { _ in Date(timeIntervalSince1970: Double.random(in: 0...2e9, using: &rng)) }
    if coin(&rng) { m.byId = [Int32.random(in: -9...9, using: &rng): randomChild(&rng, depth: 0)] }
    if coin(&rng) { m.optionalInt = Int64.random(in: -1...1, using: &rng) }
    if coin(&rng) { m.optionalText = randomText(&rng, maxLength: 3) }
    if coin(&rng) { m.optionalMood = WireTestMood(protobufValue: Int32.random(in: 0...2, using: &rng)) }
    if coin(&rng) { m.tiny = UInt8.random(in: .min ... .max, using: &rng) }
    if coin(&rng) {
        m.uuid = UUID(uuidString: ["00000000-0000-0000-0000-000000000000", "123E4567-E89B-12D3-A456-426614174000"].randomElement(using: &rng)!)
    }
    m.sints = (0..<Int.random(in: 0...3, using: &rng)).map { _ in Int32.random(in: .min ... .max, using: &rng) }
    m.fixeds = (0..<Int.random(in: 0...2, using: &rng)).map { _ in UInt64.random(in: .min ... .max, using: &rng) }
    m.blobs = (0..<Int.random(in: 0...2, using: &rng)).map { _ in Data([1, 2, 3].prefix(Int.random(in: 0...3, using: &rng))) }
    m.flag = Bool.random(using: &rng)
    if coin(&rng) { m.uint32 = UInt32.random(in: .min ... .max, using: &rng) }
    return m
}

/// Valid encodings of random `Rich` messages (deterministic).
private let validCorpus: [[UInt8]] = {
    var rng = WireTestRandom(seed: 0xB12_1A6)
    return (0..<40).map { _ in try! ProtobufEncoder().encode(randomRich(&rng)) }
}()

private typealias W = HandWire

// MARK: - Decoding checks

private enum Outcome {
    case decoded
    case rejected(WireFormatError)
    case otherError(any Error)
}

private func outcome(_ bytes: [UInt8], maxDepth: Int = ProtobufDecoder.defaultMaxDepth) -> Outcome {
    do {
        _ = try ProtobufDecoder(maxDepth: maxDepth).decode(Rich.self, from: bytes)
        return .decoded
    } catch let error as WireFormatError {
        return .rejected(error)
    } catch {
        return .otherError(error)
    }
}

/// What must hold for every error: an offset inside the input, a valid field
/// number if any, and a field path that ends with it.
private func violations(of error: WireFormatError, inputLength: Int) -> [String] {
    var problems: [String] = []
    if !(0...inputLength).contains(error.offset) { problems.append("offset \(error.offset) outside 0...\(inputLength)") }
    if let number = error.fieldNumber {
        if !(1...maxFieldNumber).contains(number) { problems.append("field number \(number)") }
        if error.fieldPath.last != number { problems.append("path \(error.fieldPath) does not end with field \(number)") }
    }
    if error.fieldPath.contains(where: { !(1...maxFieldNumber).contains($0) }) { problems.append("path \(error.fieldPath)") }
    return problems
}

// MARK: - Truncation

@Test func everyPrefixOfAValidMessageDecodesOrThrows() throws {
    var prefixes = 0, rejected = 0
    for message in validCorpus.prefix(16) {
        for length in 0..<message.count {
            let prefix = Array(message[..<length])
            prefixes += 1
            switch outcome(prefix) {
            case .decoded:
                break
            case .rejected(let error):
                rejected += 1
                // Cutting a valid message can only leave something unfinished.
                #expect(error.code == .truncated || error.code == .lengthOutOfBounds, "\(error) for a \(length)-byte prefix")
                #expect(violations(of: error, inputLength: length) == [], "\(error)")
            case .otherError(let error):
                Issue.record("prefix of \(length) bytes threw \(error)")
            }
        }
        // The whole message decodes.
        _ = try ProtobufDecoder().decode(Rich.self, from: message)
    }
    #expect(prefixes > 1000)
    #expect(rejected * 4 > prefixes * 3, "\(rejected) of \(prefixes) prefixes rejected")
}

@Test func truncatedValuesNameTheirFieldAndOffset() {
    // A tag cut inside its varint.
    expectWireError(Rich.self, [0x88], code: .truncated, offset: 0, field: .some(nil), path: [])
    // A varint value cut short, after other fields.
    expectWireError(Rich.self, W.string(2, "hi") + [0x08, 0x80, 0x80], code: .truncated, offset: 5, field: 1, path: [1])
    // fixed32 / fixed64 values with too few bytes.
    expectWireError(Rich.self, [0x5D, 0x01, 0x02, 0x03], code: .truncated, offset: 1, field: 11, path: [11])
    expectWireError(Rich.self, [0x51] + [UInt8](repeating: 0, count: 7), code: .truncated, offset: 1, field: 10, path: [10])
    expectWireError(Rich.self, [0x51], code: .truncated, offset: 1, field: 10, path: [10])
    // Unknown fields are checked as strictly.
    expectWireError(Rich.self, W.tag(99, 1) + [1, 2], code: .truncated, offset: 2, field: 99, path: [99])
    // A group that never ends.
    expectWireError(Rich.self, W.tag(99, 3) + W.varintField(1, 1), code: .truncated, offset: 4, field: .some(nil))
    // Inside a nested message: the offset is absolute, the path goes through the parent.
    let child = W.string(1, "x") + [0x10, 0x80]  // score (2) cut short
    expectWireError(Rich.self, W.lengthDelimited(9, child), code: .truncated, offset: 6, field: 2, path: [9, 2])
    // A packed run whose last element is cut.
    expectWireError(Rich.self, [0x32, 0x02, 0x01, 0x80], code: .truncated, offset: 3, field: 6, path: [6])
    expectWireError(Rich.self, W.tag(29, 2) + [0x0A] + [UInt8](repeating: 1, count: 10), code: .truncated, offset: 11, field: 29, path: [29])
}

// MARK: - Varints

@Test func overlongVarintsAreRejected() {
    let eleven = [UInt8](repeating: 0x80, count: 10) + [0x00]
    expectWireError(Rich.self, [0x08] + eleven, code: .varintTooLong, offset: 1, field: 1, path: [1])
    expectWireError(Rich.self, W.tag(17, 0) + eleven, code: .varintTooLong, offset: 2, field: 17, path: [17])
    // In a tag, a length prefix, an unknown field, a packed run and a nested message.
    expectWireError(Rich.self, eleven, code: .varintTooLong, offset: 0, field: .some(nil), path: [])
    expectWireError(Rich.self, [0x12] + eleven, code: .varintTooLong, offset: 1, field: 2, path: [2])
    expectWireError(Rich.self, W.tag(99, 0) + eleven, code: .varintTooLong, offset: 2, field: 99, path: [99])
    expectWireError(Rich.self, [0x32, 0x0B] + eleven, code: .varintTooLong, offset: 2, field: 6, path: [6])
    expectWireError(Rich.self, W.lengthDelimited(9, [0x10] + eleven), code: .varintTooLong, offset: 3, field: 2, path: [9, 2])
    // Ten bytes with the continuation bit still set on the tenth.
    expectWireError(Rich.self, [0x08] + [UInt8](repeating: 0xFF, count: 10), code: .varintTooLong, offset: 1, field: 1)
}

@Test func tenthByteOverflowIsRejected() throws {
    let nine = [UInt8](repeating: 0xFF, count: 9)
    for tenth: UInt8 in [0x02, 0x03, 0x7F] {
        expectWireError(Rich.self, W.tag(17, 0) + nine + [tenth], code: .varintOverflow, offset: 2, field: 17, path: [17])
        expectWireError(Rich.self, nine + [tenth], code: .varintOverflow, offset: 0, field: .some(nil), path: [])
        expectWireError(Rich.self, [0x12] + nine + [tenth], code: .varintOverflow, offset: 1, field: 2, path: [2])
        expectWireError(Rich.self, W.lengthDelimited(9, [0x10] + nine + [tenth]), code: .varintOverflow, offset: 3, field: 2, path: [9, 2])
    }
    // The largest ten-byte varint is fine.
    let max = try ProtobufDecoder().decode(Rich.self, from: W.tag(17, 0) + nine + [0x01])
    #expect(max.uint64 == UInt64.max)
}

// MARK: - Lengths

@Test func lengthsPastTheEndAreRejected() {
    expectWireError(Rich.self, [0x12, 0x05, 0x61, 0x62], code: .lengthOutOfBounds, offset: 1, field: 2, path: [2])
    expectWireError(Rich.self, W.varintField(1, 1) + [0x3A, 0x01], code: .lengthOutOfBounds, offset: 3, field: 7, path: [7])
    // A nested length may not run past its parent, even if the buffer goes on.
    let child: [UInt8] = [0x0A, 0x0A, 0x61]  // name (1): 10 bytes announced, 1 in the child
    expectWireError(Rich.self, W.lengthDelimited(9, child) + W.string(2, String(repeating: "z", count: 20)),
                    code: .lengthOutOfBounds, offset: 3, field: 1, path: [9, 1])
}

@Test func hugeLengthsAreRejectedWithoutOverflow() {
    let lengths: [UInt64] = [
        UInt64(Int.max), UInt64(Int.max) - 1, UInt64(Int.max) + 1, UInt64.max, UInt64.max - 1,
        UInt64(Int32.max), UInt64(UInt32.max), 1 << 62, UInt64(Int.max) - 2,
    ]
    for length in lengths {
        for field in [2, 3, 4, 5, 6, 7, 9, 13, 14, 21, 22, 29, 99, 536_870_911] {
            let tag = W.tag(field, 2)
            expectWireError(Rich.self, tag + W.varint(length) + [1, 2, 3], code: .lengthOutOfBounds, offset: tag.count, field: .some(field), path: [field])
        }
        // Inside a nested message, a timestamp, a map entry and a group.
        expectWireError(Rich.self, W.lengthDelimited(9, [0x2A] + W.varint(length)), code: .lengthOutOfBounds, offset: 3, field: 5, path: [9, 5])
        expectWireError(Rich.self, W.lengthDelimited(5, [0x0A] + W.varint(length)), code: .lengthOutOfBounds, offset: 3, field: 1, path: [5, 1])
        expectWireError(Rich.self, W.tag(99, 3) + [0x0A] + W.varint(length) + W.tag(99, 4), code: .lengthOutOfBounds, offset: 3, field: 1)
        let timestamp = W.lengthDelimited(4, [0x1A] + W.varint(length))
        expectWireError(Rich.self, timestamp, code: .lengthOutOfBounds, offset: 3, field: 3)
    }
}

// MARK: - Tags

@Test func invalidFieldNumbersAreRejected() {
    // Field number 0, with each wire type.
    for wireType: UInt8 in 0...5 {
        expectWireError(Rich.self, [wireType, 0x00, 0x00], code: .invalidFieldNumber, offset: 0, field: .some(nil), path: [])
    }
    // After valid fields, and inside a nested message.
    expectWireError(Rich.self, W.varintField(1, 1) + [0x00], code: .invalidFieldNumber, offset: 2, field: .some(nil), path: [])
    expectWireError(Rich.self, W.lengthDelimited(9, W.string(1, "n") + [0x00]), code: .invalidFieldNumber, offset: 5, field: .some(nil), path: [9])
    // 2^29 and beyond (the largest valid number, 2^29 - 1, is fine).
    for number: UInt64 in [1 << 29, (1 << 29) + 1, 1 << 32, UInt64.max >> 3] {
        expectWireError(Rich.self, W.varint(number << 3) + [0x00], code: .invalidFieldNumber, offset: 0, field: .some(nil), path: [])
    }
    expectWireError(Rich.self, W.varint(UInt64.max), code: .invalidFieldNumber, offset: 0, field: .some(nil))
    #expect(throws: Never.self) { try ProtobufDecoder().decode(Rich.self, from: W.varintField(536_870_911, 1)) }
}

@Test func wireTypesSixAndSevenAreRejected() {
    for wireType: UInt8 in [6, 7] {
        expectWireError(Rich.self, W.tag(1, wireType) + [0x00], code: .invalidWireType, offset: 0, field: 1, path: [1])
        expectWireError(Rich.self, W.tag(99, wireType), code: .invalidWireType, offset: 0, field: 99, path: [99])
        expectWireError(Rich.self, W.string(2, "ab") + W.tag(536_870_911, wireType), code: .invalidWireType, offset: 4, field: 536_870_911)
        expectWireError(Rich.self, W.lengthDelimited(9, W.tag(2, wireType)), code: .invalidWireType, offset: 2, field: 2, path: [9, 2])
        // Inside a group that is being skipped.
        expectWireError(Rich.self, W.tag(99, 3) + W.tag(5, wireType) + W.tag(99, 4), code: .invalidWireType, offset: 2, field: 5)
    }
}

// MARK: - Wrong wire types

@Test func wrongWireTypesForKnownFieldsNameFieldAndOffset() {
    let prefix = W.string(2, "hi") + W.varintField(99, 1)  // 7 bytes of valid fields first
    let at = prefix.count
    let eightBytes = [UInt8](repeating: 0, count: 8)
    let cases: [(field: Int, bytes: [UInt8])] = [
        (1, W.tag(1, 1) + eightBytes),  // int32 as fixed64
        (1, W.tag(1, 2) + [0x00]),  // int32 as length-delimited (singular: not packed)
        (3, W.tag(3, 0) + [0x01]),  // repeated message as varint
        (4, W.tag(4, 5) + [0, 0, 0, 0]),  // timestamp as fixed32
        (5, W.tag(5, 0) + [0x01]),  // map as varint
        (8, W.tag(8, 2) + [0x00]),  // enum as length-delimited
        (9, W.tag(9, 0) + [0x01]),  // message as varint
        (10, W.tag(10, 0) + [0x01]),  // sfixed64 as varint
        (11, W.tag(11, 1) + eightBytes),  // fixed32 as fixed64
        (12, W.tag(12, 5) + [0, 0, 0, 0]),  // double as fixed32
        (13, W.tag(13, 0) + [0x01]),  // repeated string as varint
        (6, W.tag(6, 1) + eightBytes),  // repeated int32 as fixed64
        (19, W.tag(19, 1) + eightBytes),  // repeated float as fixed64
        (29, W.tag(29, 0) + [0x01]),  // repeated fixed64 as varint
        (21, W.tag(21, 0) + [0x01]),  // repeated timestamp as varint
        (22, W.tag(22, 1) + eightBytes),  // map as fixed64
        (20, W.tag(20, 5) + [0, 0, 0, 0]),  // repeated enum as fixed32
        (27, W.tag(27, 0) + [0x01]),  // UUID (a string) as varint
        (14, W.tag(14, 3) + W.tag(14, 4)),  // message as a group
    ]
    for (field, bytes) in cases {
        expectWireError(Rich.self, prefix + bytes, code: .wrongWireType, offset: at, field: .some(field), path: [field])
    }
    // Deeper: the offset of the offending tag, the path through the parents.
    let score = W.string(1, "n") + W.tag(2, 1) + eightBytes
    expectWireError(Rich.self, prefix + W.lengthDelimited(9, score), code: .wrongWireType, offset: at + 5, field: 2, path: [9, 2])
    let linked = W.lengthDelimited(14, W.varintField(1, 3) + W.varintField(2, 1))  // link.next as a varint
    expectWireError(Rich.self, prefix + linked, code: .wrongWireType, offset: at + 4, field: 2, path: [14, 2])
    let grandchild = W.lengthDelimited(3, W.lengthDelimited(3, W.fixed32Field(1, 0)))  // children[0].children[0].name as fixed32
    expectWireError(Rich.self, prefix + grandchild, code: .wrongWireType, offset: at + 4, field: 1, path: [3, 3, 1])
    // A timestamp's own fields.
    expectWireError(Rich.self, prefix + W.lengthDelimited(4, W.fixed32Field(2, 5)), code: .wrongWireType, offset: at + 2, field: 4, path: [4])
}

// MARK: - UTF-8

private let invalidUTF8: [[UInt8]] = [
    [0xC3, 0x28],  // bad continuation
    [0xA0, 0xA1],  // lone continuation bytes
    [0xE2, 0x28, 0xA1],
    [0xF0, 0x28, 0x8C, 0xBC],
    [0xC0, 0x80],  // overlong NUL
    [0xE0, 0x80, 0xAF],  // overlong '/'
    [0xED, 0xA0, 0x80],  // UTF-16 surrogate
    [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
    [0xFF], [0xFE, 0xFF],
    [0x61, 0x62, 0xE2, 0x82],  // cut in the middle of a character
    [0x61, 0x80],
]

@Test func invalidUTF8InStringFieldsIsRejected() throws {
    let prefix = W.varintField(1, 7) + W.fixed32Field(11, 1)  // 7 bytes
    for bad in invalidUTF8 {
        // The offset is where the string's bytes start.
        let at = prefix.count
        expectWireError(Rich.self, prefix + W.lengthDelimited(2, bad), code: .invalidUTF8, offset: at + 2, field: 2, path: [2])
        expectWireError(Rich.self, prefix + W.lengthDelimited(24, bad), code: .invalidUTF8, offset: at + 3, field: 24, path: [24])
        expectWireError(Rich.self, prefix + W.lengthDelimited(27, bad), code: .invalidUTF8, offset: at + 3, field: 27, path: [27])
        // The second element of a repeated string.
        expectWireError(Rich.self, prefix + W.string(13, "ok") + W.lengthDelimited(13, bad), code: .invalidUTF8, offset: at + 6, field: 13, path: [13])
        // A nested message's string, and a map key.
        expectWireError(Rich.self, prefix + W.lengthDelimited(9, W.lengthDelimited(1, bad)), code: .invalidUTF8, offset: at + 4, field: 1, path: [9, 1])
        expectWireError(Rich.self, prefix + W.lengthDelimited(5, W.lengthDelimited(1, bad)), code: .invalidUTF8, offset: at + 4, field: 1, path: [5, 1])
        // The same bytes are fine as `bytes`.
        let blob = try ProtobufDecoder().decode(Rich.self, from: prefix + W.lengthDelimited(7, bad)).blob
        #expect(blob == Data(bad))
    }
}

// MARK: - Groups

@Test func unmatchedEndGroupsAreRejected() {
    // An end tag with no start, at the top level and after other fields.
    expectWireError(Rich.self, W.tag(1, 4), code: .unmatchedEndGroup, offset: 0, field: 1, path: [1])
    expectWireError(Rich.self, W.varintField(1, 5) + W.tag(99, 4), code: .unmatchedEndGroup, offset: 2, field: 99, path: [99])
    // A group closed by another field's end tag.
    expectWireError(Rich.self, W.tag(99, 3) + W.varintField(1, 1) + W.tag(98, 4), code: .unmatchedEndGroup, offset: 4, field: 98)
    expectWireError(Rich.self, W.tag(99, 3) + W.group(7, []) + W.tag(7, 4), code: .unmatchedEndGroup, offset: 4, field: 7)
    // Inside a nested message and inside a timestamp.
    expectWireError(Rich.self, W.lengthDelimited(9, W.string(1, "a") + W.tag(6, 4)), code: .unmatchedEndGroup, offset: 5, field: 6, path: [9, 6])
    expectWireError(Rich.self, W.lengthDelimited(4, W.varintField(1, 1) + W.tag(3, 4)), code: .unmatchedEndGroup, offset: 4, field: 3)
    // A group may not end outside the message it started in: the nested body
    // runs out, and the end tag outside is a stray one (found first, as the
    // outer message is scanned before the nested one is decoded).
    expectWireError(Rich.self, W.lengthDelimited(9, W.tag(99, 3)), code: .truncated, offset: 4, field: .some(nil), path: [9])
    expectWireError(Rich.self, W.lengthDelimited(9, W.tag(99, 3)) + W.tag(99, 4), code: .unmatchedEndGroup, offset: 4, field: 99, path: [99])
}

// MARK: - Nesting depth

/// `link` (14) -> `next` (2) -> `next` ... `levels` messages deep, the
/// innermost holding `value = 1`; built from the outside in, in linear time.
private func linkChain(levels: Int) -> [UInt8] {
    var bodyLengths = [2]  // the innermost body: value = 1
    for _ in 1..<max(levels, 1) {
        let inner = bodyLengths[bodyLengths.count - 1]
        bodyLengths.append(1 + varintSize(UInt64(inner)) + inner)
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(bodyLengths.last! + 16)
    bytes += [0x72] + W.varint(UInt64(bodyLengths[levels - 1]))
    for level in stride(from: levels - 2, through: 0, by: -1) {
        bytes += [0x12] + W.varint(UInt64(bodyLengths[level]))
    }
    return bytes + [0x08, 0x01]
}

/// Offsets of the tags of a chain's messages, outermost first.
private func tagOffsets(ofChain bytes: [UInt8], levels: Int) -> [Int] {
    var offsets: [Int] = []
    var position = 0
    for _ in 0..<levels {
        offsets.append(position)
        position += 1
        _ = W.readVarint(bytes, at: &position)
    }
    return offsets
}

@Test func recursiveMessagesNestedPastTheLimitAreRejected() throws {
    let limit = ProtobufDecoder.defaultMaxDepth
    let atLimit = try ProtobufDecoder().decode(Rich.self, from: linkChain(levels: limit))
    #expect(atLimit.link?.depth == limit)

    let tooDeep = linkChain(levels: limit + 1)
    let offsets = tagOffsets(ofChain: tooDeep, levels: limit + 1)
    expectWireError(Rich.self, tooDeep, code: .nestingTooDeep, offset: offsets[limit], field: 2,
                    path: [14] + [Int](repeating: 2, count: limit))

    // A smaller limit, and the encoder's own limit.
    let shallow = ProtobufDecoder(maxDepth: 5)
    #expect(try shallow.decode(Rich.self, from: linkChain(levels: 5)).link?.depth == 5)
    expectWireError(Rich.self, linkChain(levels: 6), decoder: shallow, code: .nestingTooDeep,
                    offset: tagOffsets(ofChain: linkChain(levels: 6), levels: 6)[5], field: 2)
    var deep = Rich()
    for _ in 0..<(limit + 1) { deep.link = RichLink(value: 1, next: deep.link) }
    let encodingError = #expect(throws: WireFormatError.self) { try ProtobufEncoder().encode(deep) }
    #expect(encodingError?.code == .nestingTooDeep)
    let encoded = try ProtobufEncoder(maxDepth: 100).encode(deep)
    expectWireError(Rich.self, encoded, code: .nestingTooDeep, field: 2)

    // Far past the limit: no stack overflow, the same error.
    let hostile = linkChain(levels: 100_000)
    expectWireError(Rich.self, hostile, code: .nestingTooDeep, offset: tagOffsets(ofChain: hostile, levels: limit + 1)[limit], field: 2)
}

@Test func recursiveRepeatedMessagesNestedPastTheLimitAreRejected() {
    // children (3) -> children (3) -> ...: built inside out (small enough).
    func tree(levels: Int) -> [UInt8] {
        var body: [UInt8] = W.string(1, "leaf")
        for _ in 1..<levels { body = W.lengthDelimited(3, body) }
        return W.lengthDelimited(3, body)
    }
    let limit = ProtobufDecoder.defaultMaxDepth
    #expect(throws: Never.self) { try ProtobufDecoder().decode(Rich.self, from: tree(levels: limit)) }
    let tooDeep = tree(levels: limit + 1)
    // The offset is that of the tag of the message one level too deep.
    var position = 0
    for _ in 0..<limit {
        position += 1
        _ = W.readVarint(tooDeep, at: &position)
    }
    expectWireError(Rich.self, tooDeep, code: .nestingTooDeep, offset: position, field: 3,
                    path: [Int](repeating: 3, count: limit + 1))
}

@Test func groupsNestedPastTheLimitAreRejected() {
    let limit = ProtobufDecoder.defaultMaxDepth
    let start = W.tag(99, 3), end = W.tag(99, 4)  // two bytes each
    func groups(_ depth: Int) -> [UInt8] {
        Array([[UInt8]](repeating: start, count: depth).joined()) + Array([[UInt8]](repeating: end, count: depth).joined())
    }
    #expect(throws: Never.self) { try ProtobufDecoder().decode(Rich.self, from: groups(limit)) }
    // The offset is that of the start tag one level too deep.
    expectWireError(Rich.self, groups(limit + 1), code: .nestingTooDeep, offset: 2 * limit, field: 99, path: [99])
    // Unterminated and absurdly deep: the limit stops it first.
    let hostile = Array([[UInt8]](repeating: start, count: 100_000).joined())
    expectWireError(Rich.self, hostile, code: .nestingTooDeep, offset: 2 * limit, field: 99)

    // Messages and groups share the budget: inside `child` (depth 1) one
    // fewer group fits.
    #expect(throws: Never.self) { try ProtobufDecoder().decode(Rich.self, from: W.lengthDelimited(9, groups(limit - 1))) }
    let header = 1 + varintSize(UInt64(groups(limit).count))
    expectWireError(Rich.self, W.lengthDelimited(9, groups(limit)), code: .nestingTooDeep, offset: header + 2 * (limit - 1), field: 99,
                    path: [9, 99])
}

// MARK: - Values out of range

@Test func timestampNanosOutOfRangeAreRejected() throws {
    let prefix = W.varintField(1, 1)
    for nanos: Int64 in [1_000_000_000, -1, Int64(Int32.max), Int64(Int32.min), 1_999_999_999] {
        let timestamp = W.lengthDelimited(4, W.timestamp(seconds: 5, nanos: nanos))
        expectWireError(Rich.self, prefix + timestamp, code: .valueOutOfRange, offset: 2, field: 4, path: [4])
        // In a repeated timestamp and a nested one.
        let list = W.lengthDelimited(21, W.timestamp(seconds: 1, nanos: 0)) + W.lengthDelimited(21, W.timestamp(seconds: 5, nanos: nanos))
        expectWireError(Rich.self, prefix + list, code: .valueOutOfRange, offset: 2 + 5, field: 21, path: [21])
        expectWireError(Rich.self, prefix + W.lengthDelimited(9, timestamp), code: .valueOutOfRange, offset: 4, field: 4, path: [9, 4])
    }
    // The extremes of the valid range decode.
    let edge = W.lengthDelimited(4, W.timestamp(seconds: -62_135_596_800, nanos: 999_999_999))
    let decoded = try ProtobufDecoder().decode(Rich.self, from: edge)
    #expect(abs(decoded.when.timeIntervalSince1970 - (-62_135_596_800 + 0.999_999_999)) < 1e-4)
}

@Test func narrowIntegersOutOfRangeAreRejected() {
    expectWireError(Rich.self, W.varintField(15, 70_000), code: .valueOutOfRange, offset: 1, field: 15, path: [15])
    expectWireError(Rich.self, W.varintField(26, 256), code: .valueOutOfRange, offset: 2, field: 26, path: [26])
    expectWireError(Rich.self, W.string(27, "not-a-uuid"), code: .valueOutOfRange, offset: 2, field: 27, path: [27])
}

// MARK: - Random input

private struct FuzzReport {
    var decoded = 0
    var rejected = 0
    var codes: [String: Int] = [:]
    var problems: [String] = []

    mutating func check(_ bytes: [UInt8], _ kind: String) {
        switch outcome(bytes) {
        case .decoded:
            decoded += 1
        case .rejected(let error):
            rejected += 1
            codes[error.code.description, default: 0] += 1
            for problem in violations(of: error, inputLength: bytes.count) where problems.count < 20 {
                problems.append("\(kind) \(bytes.prefix(64)): \(error): \(problem)")
            }
        case .otherError(let error):
            if problems.count < 20 { problems.append("\(kind) \(bytes.prefix(64)): not a WireFormatError: \(error)") }
        }
    }
}

/// Bytes that are structurally plausible: tags for known and unknown fields
/// with every wire type (valid or not), values of every shape, nested bodies
/// and groups, lengths that sometimes lie.
private func randomFields(_ rng: inout WireTestRandom, depth: Int) -> [UInt8] {
    var out: [UInt8] = []
    for _ in 0..<Int.random(in: 0...6, using: &rng) {
        let number: UInt64 = Int.random(in: 0..<10, using: &rng) < 8
            ? UInt64.random(in: 1...32, using: &rng)
            : [0, 99, 1000, 536_870_911, 536_870_912].randomElement(using: &rng)!
        let wireType = Int.random(in: 0..<10, using: &rng) < 9 ? UInt64.random(in: 0...5, using: &rng) : UInt64.random(in: 6...7, using: &rng)
        out += W.varint(number << 3 | wireType)
        switch wireType {
        case 0:
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: out += W.varint(UInt64.random(in: 0...300, using: &rng))
            case 1: out += W.varint(UInt64.random(in: .min ... .max, using: &rng))
            case 2: out += [UInt8](repeating: 0xFF, count: Int.random(in: 9...11, using: &rng)) + [UInt8.random(in: 0...3, using: &rng)]
            default: out += W.varint(UInt64(bitPattern: Int64.random(in: -2_000_000_000...2_000_000_000, using: &rng)))
            }
        case 1: out += W.fixed64(UInt64.random(in: .min ... .max, using: &rng))
        case 5: out += W.fixed32(UInt32.random(in: .min ... .max, using: &rng))
        case 2:
            var body: [UInt8]
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where depth > 0: body = randomFields(&rng, depth: depth - 1)
            case 1: body = Array(randomText(&rng, maxLength: 6).utf8)
            case 2: body = W.timestamp(seconds: Int64.random(in: -5...5, using: &rng), nanos: Int64.random(in: -1...1_000_000_001, using: &rng))
            default: body = (0..<Int.random(in: 0...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            let lie = Int.random(in: 0..<8, using: &rng) == 0 ? Int.random(in: -3...3, using: &rng) : 0
            out += W.varint(UInt64(max(0, body.count + lie))) + body
        case 3:
            if depth > 0 { out += randomFields(&rng, depth: depth - 1) }
            let endNumber = Int.random(in: 0..<6, using: &rng) == 0 ? UInt64.random(in: 1...32, using: &rng) : number
            out += W.varint(endNumber << 3 | 4)
        default:
            break
        }
    }
    return out
}

private func mutate(_ message: [UInt8], _ rng: inout WireTestRandom) -> [UInt8] {
    var bytes = message
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0 where !bytes.isEmpty:  // flip a bit
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &rng)
        case 1 where !bytes.isEmpty:  // truncate
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &rng))
        case 2:  // splice in part of another valid message
            let other = validCorpus.randomElement(using: &rng)!
            let from = Int.random(in: 0...other.count, using: &rng)
            let piece = other[from..<min(other.count, from + Int.random(in: 1...40, using: &rng))]
            let at = Int.random(in: 0...bytes.count, using: &rng)
            let replace = Int.random(in: 0...min(8, bytes.count - at), using: &rng)
            bytes.replaceSubrange(at..<(at + replace), with: piece)
        case 3 where !bytes.isEmpty:  // overwrite with an interesting byte
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = [0x00, 0x7F, 0x80, 0xFF, 0x0A, 0x0B, 0x0C, 0x0E, 0x0F].randomElement(using: &rng)!
        case 4:  // insert random bytes
            let at = Int.random(in: 0...bytes.count, using: &rng)
            bytes.insert(contentsOf: (0..<Int.random(in: 1...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
        case 5 where !bytes.isEmpty:  // delete a range
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...6, using: &rng)))
        case 6 where !bytes.isEmpty:  // duplicate a range
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + Int.random(in: 1...16, using: &rng))], at: at)
        default:  // append structured junk
            bytes += randomFields(&rng, depth: 1)
        }
    }
    return bytes
}

@Test func randomBytesDecodeOrThrowWireFormatErrors() {
    var rng = WireTestRandom(seed: 0x5EED_0F_B17E5)
    var report = FuzzReport()
    // Uniformly random bytes, 0 ... 256 long.
    for _ in 0..<4_000 {
        let count = Int.random(in: 0...256, using: &rng)
        // Eight random bytes per draw: generating them one by one costs more than decoding them.
        var bytes = [UInt8](repeating: 0, count: count)
        for start in stride(from: 0, to: count, by: 8) {
            withUnsafeBytes(of: rng.next()) { word in
                for i in 0..<min(8, count - start) { bytes[start + i] = word[i] }
            }
        }
        report.check(bytes, "random")
    }
    // Random bytes drawn mostly from the bytes protobuf cares about.
    let interesting: [UInt8] = [0x00, 0x01, 0x02, 0x08, 0x0A, 0x0B, 0x0C, 0x12, 0x1A, 0x22, 0x4A, 0x72, 0x7F, 0x80, 0xFF]
    for _ in 0..<1_000 {
        let bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in
            Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
        }
        report.check(bytes, "biased")
    }
    // Mutations of valid messages.
    for _ in 0..<4_000 {
        report.check(mutate(validCorpus.randomElement(using: &rng)!, &rng), "mutated")
    }
    // Structured junk.
    for _ in 0..<2_000 {
        report.check(randomFields(&rng, depth: 3), "structured")
    }
    #expect(report.problems == [])
    #expect(report.decoded + report.rejected == 11_000)
    // The corpus exercises both outcomes and many kinds of rejection.
    #expect(report.decoded > 200, "\(report.codes)")
    #expect(report.codes.count >= 8, "\(report.codes)")
}
