import Foundation
import PropertyBased
import Testing
@testable import BizingWire

// Round trips for every kind of field, and the proto3 rules around them:
// defaults are not written, unknown fields are skipped, the last value of a
// singular field wins, message fields merge, repeated numbers are read packed
// or unpacked.

// MARK: - Generic messages, one per integer encoding

protocol RoundTripHint: Sendable { static var encoding: ProtobufIntegerEncoding { get } }
private enum AsVarint: RoundTripHint { static var encoding: ProtobufIntegerEncoding { .varint } }
private enum AsZigZag: RoundTripHint { static var encoding: ProtobufIntegerEncoding { .zigZag } }
private enum AsFixed: RoundTripHint { static var encoding: ProtobufIntegerEncoding { .fixed } }

/// A singular, an `optional` and a repeated field of one kind.
private struct Box<V: Codable & Sendable, H: RoundTripHint>: Codable, Sendable {
    var single: V
    var optional: V?
    var repeated: [V]

    enum CodingKeys: Int, ProtobufCodingKey {
        case single = 1, optional = 2, repeated = 3
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding { H.encoding }
    }
}

/// One `optional` field number 1: concatenating encodings gives an unpacked repeated field.
private struct Single<V: Codable & Sendable, H: RoundTripHint>: Codable {
    var value: V?
    enum CodingKeys: Int, ProtobufCodingKey {
        case value = 1
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding { H.encoding }
    }
}

/// A repeated field number 1.
private struct Many<V: Codable & Sendable, H: RoundTripHint>: Codable {
    var values: [V]
    enum CodingKeys: Int, ProtobufCodingKey {
        case values = 1
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding { H.encoding }
    }
}

private struct Leaf: Codable, Equatable, Sendable {
    var a: Int32 = 0
    var s: String = ""
    var tags: [UInt32] = []
    var mood: WireTestMood = .unspecified
    enum CodingKeys: Int, CodingKey { case a = 1, s = 2, tags = 3, mood = 4 }
}

// MARK: - Generators

/// Integers biased towards the interesting ones: extremes, small values of
/// both signs, every magnitude, and uniformly random bit patterns.
private func edgeInt<T: FixedWidthInteger & Sendable>(_: T.Type) -> Generator<T, Shrink.None<T>> {
    Generator { rng in
        switch UInt8.random(in: 0..<5, using: &rng) {
        case 0:
            let edges: [T] = [.min, .max, 0, 1, .min &+ 1, .max &- 1] + [-1, 127, 128, 16_383, 16_384].map { T(truncatingIfNeeded: $0) }
            return edges.randomElement(using: &rng)!
        case 1:
            return T(truncatingIfNeeded: Int.random(in: -300...300, using: &rng))
        case 2:
            return T.random(in: .min ... .max, using: &rng) >> Int.random(in: 0..<T.bitWidth, using: &rng)
        default:
            return T.random(in: .min ... .max, using: &rng)
        }
    }
}

private let anyFloat = Generator<Float, Shrink.None<Float>> { rng in
    switch UInt8.random(in: 0..<4, using: &rng) {
    case 0:
        let specials: [Float] = [0, -0.0, .nan, -.nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                 .ulpOfOne, 1, -1, Float(bitPattern: 0x7FA0_0001)]
        return specials.randomElement(using: &rng)!
    case 1: return Float.random(in: -1000...1000, using: &rng)
    default: return Float(bitPattern: UInt32.random(in: .min ... .max, using: &rng))
    }
}

private let anyDouble = Generator<Double, Shrink.None<Double>> { rng in
    switch UInt8.random(in: 0..<4, using: &rng) {
    case 0:
        let specials: [Double] = [0, -0.0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                  .ulpOfOne, 1, -1, Double(bitPattern: 0x7FF4_0000_0000_0001)]
        return specials.randomElement(using: &rng)!
    case 1: return Double.random(in: -1e6...1e6, using: &rng)
    default: return Double(bitPattern: UInt64.random(in: .min ... .max, using: &rng))
    }
}

/// A Unicode scalar from anywhere in the code space (never a surrogate).
private func randomScalar<R: RandomNumberGenerator>(_ rng: inout R) -> Unicode.Scalar {
    let value: UInt32
    switch UInt8.random(in: 0..<6, using: &rng) {
    case 0: value = UInt32.random(in: 0...0x7F, using: &rng)
    case 1: value = UInt32.random(in: 0x80...0x7FF, using: &rng)
    case 2: value = UInt32.random(in: 0x800...0xD7FF, using: &rng)
    case 3: value = UInt32.random(in: 0xE000...0xFFFF, using: &rng)
    case 4: value = UInt32.random(in: 0x1_0000...0x10_FFFF, using: &rng)
    default:
        // NUL, combining marks, joiners, BOM, replacement character, noncharacters, the last scalar.
        value = [0, 0x301, 0x200D, 0xFEFF, 0xFFFD, 0xFFFE, 0xFFFF, 0x1F468, 0x1F3FD, 0x10_FFFF].randomElement(using: &rng)!
    }
    return Unicode.Scalar(value)!
}

private func randomString<R: RandomNumberGenerator>(_ rng: inout R, maxLength: Int = 24) -> String {
    var scalars = String.UnicodeScalarView()
    for _ in 0..<Int.random(in: 0...maxLength, using: &rng) { scalars.append(randomScalar(&rng)) }
    return String(scalars)
}

private let anyString = Generator<String, Shrink.None<String>> { rng in randomString(&rng) }

private let anyData = Gen<UInt8>.value(in: 0...255).array(of: 0...40).map { Data($0) }

private let anyMood = edgeInt(Int32.self).map { WireTestMood(protobufValue: $0) }

/// Dates 1900 ... 2100, where a `Date`'s own precision is well under a microsecond.
private let nearDate = Generator<Date, Shrink.None<Date>> { rng in
    let seconds = Int64.random(in: -2_208_988_800...4_102_444_800, using: &rng)
    let fraction = UInt8.random(in: 0..<4, using: &rng) == 0 ? 0 : Double.random(in: 0..<1, using: &rng)
    return Date(timeIntervalSince1970: Double(seconds) + fraction)
}

/// Dates anywhere in 0001-01-01 ... 9999-12-31.
private let anyDate = Generator<Date, Shrink.None<Date>> { rng in
    let seconds = Int64.random(in: WireTimestamp.validSeconds.lowerBound...(WireTimestamp.validSeconds.upperBound - 1), using: &rng)
    return Date(timeIntervalSince1970: Double(seconds) + Double.random(in: 0..<1, using: &rng))
}

private func randomLeaf<R: RandomNumberGenerator>(_ rng: inout R) -> Leaf {
    Leaf(
        a: Int32.random(in: -1000...1000, using: &rng),
        s: Bool.random(using: &rng) ? "" : randomString(&rng, maxLength: 8),
        tags: (0..<Int.random(in: 0...4, using: &rng)).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) },
        mood: WireTestMood(protobufValue: Int32.random(in: -2...5, using: &rng)))
}

private let anyLeaf = Generator<Leaf, Shrink.None<Leaf>> { rng in randomLeaf(&rng) }

// MARK: - Checks

private func sameFloat(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern }
private func sameDouble(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern }
/// Strings compare by their bytes: `==` would equate canonically equivalent ones.
private func sameString(_ a: String, _ b: String) -> Bool { Array(a.utf8) == Array(b.utf8) }
private func sameDate(_ a: Date, _ b: Date) -> Bool {
    abs(a.timeIntervalSince1970 - b.timeIntervalSince1970) <= 1e-6
}
/// Far from 1970 a `Date` (a `Double`) holds less than a microsecond; allow a few of its ulps.
private func sameFarDate(_ a: Date, _ b: Date) -> Bool {
    let t = a.timeIntervalSince1970
    return abs(t - b.timeIntervalSince1970) <= max(1e-6, 4 * max(t.magnitude, a.timeIntervalSinceReferenceDate.magnitude).ulp)
}

/// Round-trips singular, optional and repeated fields of one kind, and checks
/// presence: the singular field at its default is not written, an optional
/// set to the default is, an absent optional is not.
private func checkKind<V: Codable & Sendable, S: SendableSequenceType, H: RoundTripHint>(
    _ gen: Generator<V, S>, _ hint: H.Type,
    default defaultValue: V, defaultIsWritten: Bool = false, count: Int = 100,
    same: @escaping @Sendable (V, V) -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    do {
        let absent = try ProtobufEncoder().encode(Box<V, H>(single: defaultValue, optional: nil, repeated: []))
        #expect(absent.isEmpty != defaultIsWritten, "a default singular field", sourceLocation: sourceLocation)
        let back = try ProtobufDecoder().decode(Box<V, H>.self, from: absent)
        #expect(back.optional == nil, sourceLocation: sourceLocation)
        #expect(same(back.single, defaultValue), sourceLocation: sourceLocation)

        let present = try ProtobufEncoder().encode(Box<V, H>(single: defaultValue, optional: defaultValue, repeated: []))
        #expect(present.count > absent.count, "an optional set to its default is written", sourceLocation: sourceLocation)
        let presentBack = try ProtobufDecoder().decode(Box<V, H>.self, from: present)
        #expect(presentBack.optional.map { same($0, defaultValue) } == true, sourceLocation: sourceLocation)

        let emptyList = try ProtobufEncoder().encode(Box<V, H>(single: defaultValue, optional: nil, repeated: []))
        #expect(emptyList == absent, sourceLocation: sourceLocation)
    } catch {
        Issue.record(error, sourceLocation: sourceLocation)
    }

    await propertyCheck(
        count: count, input: gen, gen.optional(valueRate: 0.6), gen.array(of: 0...10),
        perform: { single, optional, repeated in
            let box = Box<V, H>(single: single, optional: optional, repeated: repeated)
            let bytes = try ProtobufEncoder().encode(box)
            let back = try ProtobufDecoder().decode(Box<V, H>.self, from: bytes)
            #expect(same(back.single, single), sourceLocation: sourceLocation)
            #expect((back.optional == nil) == (optional == nil), sourceLocation: sourceLocation)
            if let optional, let decoded = back.optional {
                #expect(same(decoded, optional), sourceLocation: sourceLocation)
            }
            #expect(back.repeated.count == repeated.count, sourceLocation: sourceLocation)
            for (decoded, original) in zip(back.repeated, repeated) {
                #expect(same(decoded, original), sourceLocation: sourceLocation)
            }
        },
        sourceLocation: sourceLocation)
}

// MARK: - Every scalar kind

@Test func int32RoundTrips() async { await checkKind(edgeInt(Int32.self), AsVarint.self, default: 0, same: { $0 == $1 }) }
@Test func int64RoundTrips() async { await checkKind(edgeInt(Int64.self), AsVarint.self, default: 0, same: { $0 == $1 }) }
@Test func uint32RoundTrips() async { await checkKind(edgeInt(UInt32.self), AsVarint.self, default: 0, same: { $0 == $1 }) }
@Test func uint64RoundTrips() async { await checkKind(edgeInt(UInt64.self), AsVarint.self, default: 0, same: { $0 == $1 }) }
@Test func sint32RoundTrips() async { await checkKind(edgeInt(Int32.self), AsZigZag.self, default: 0, same: { $0 == $1 }) }
@Test func sint64RoundTrips() async { await checkKind(edgeInt(Int64.self), AsZigZag.self, default: 0, same: { $0 == $1 }) }
@Test func fixed32RoundTrips() async { await checkKind(edgeInt(UInt32.self), AsFixed.self, default: 0, same: { $0 == $1 }) }
@Test func fixed64RoundTrips() async { await checkKind(edgeInt(UInt64.self), AsFixed.self, default: 0, same: { $0 == $1 }) }
@Test func sfixed32RoundTrips() async { await checkKind(edgeInt(Int32.self), AsFixed.self, default: 0, same: { $0 == $1 }) }
@Test func sfixed64RoundTrips() async { await checkKind(edgeInt(Int64.self), AsFixed.self, default: 0, same: { $0 == $1 }) }
@Test func boolRoundTrips() async { await checkKind(Gen.bool, AsVarint.self, default: false, same: { $0 == $1 }) }
@Test func floatRoundTrips() async { await checkKind(anyFloat, AsVarint.self, default: 0, same: sameFloat) }
@Test func doubleRoundTrips() async { await checkKind(anyDouble, AsVarint.self, default: 0, same: sameDouble) }
@Test func stringRoundTrips() async { await checkKind(anyString, AsVarint.self, default: "", same: sameString) }
@Test func bytesRoundTrip() async { await checkKind(anyData, AsVarint.self, default: Data(), same: { $0 == $1 }) }
@Test func enumRoundTripsIncludingUnknownValues() async {
    await checkKind(anyMood, AsVarint.self, default: .unspecified, same: { $0 == $1 })
}

// Swift integer types that share the protobuf encodings.
@Test func swiftIntegerTypesRoundTrip() async {
    await checkKind(edgeInt(Int.self), AsZigZag.self, default: 0, same: { $0 == $1 })
    await checkKind(edgeInt(UInt.self), AsFixed.self, default: 0, same: { $0 == $1 })
    await checkKind(edgeInt(Int16.self), AsVarint.self, default: 0, count: 50, same: { $0 == $1 })
    await checkKind(edgeInt(Int8.self), AsZigZag.self, default: 0, count: 50, same: { $0 == $1 })
    await checkKind(edgeInt(UInt16.self), AsFixed.self, default: 0, count: 50, same: { $0 == $1 })
    await checkKind(edgeInt(UInt8.self), AsVarint.self, default: 0, count: 50, same: { $0 == $1 })
}

@Test func datesRoundTripWithinAMicrosecond() async {
    // A timestamp is a message: even the epoch is written (as an empty body).
    await checkKind(nearDate, AsVarint.self, default: Date(timeIntervalSince1970: 0), defaultIsWritten: true, same: sameDate)
}

@Test func datesAcrossTheWholeTimestampRangeRoundTrip() async {
    await checkKind(anyDate, AsVarint.self, default: Date(timeIntervalSince1970: 0), defaultIsWritten: true, same: sameFarDate)
}

@Test func dateEncodingIsSecondsAndNanos() throws {
    let cases: [(TimeInterval, Int64, Int64)] = [
        (0, 0, 0), (1_700_000_000.5, 1_700_000_000, 500_000_000), (-0.25, -1, 750_000_000),
        (-62_135_596_800, -62_135_596_800, 0), (253_402_300_799, 253_402_300_799, 0), (0.5, 0, 500_000_000),
    ]
    for (interval, seconds, nanos) in cases {
        let box = Box<Date, AsVarint>(single: Date(timeIntervalSince1970: interval), optional: nil, repeated: [])
        let bytes = try ProtobufEncoder().encode(box)
        #expect(bytes == HandWire.lengthDelimited(1, HandWire.timestamp(seconds: seconds, nanos: nanos)), "\(interval)")
    }
}

@Test func nestedMessagesRoundTrip() async {
    // Message fields have presence: a default message is still written.
    await checkKind(anyLeaf, AsVarint.self, default: Leaf(), defaultIsWritten: true, same: { $0 == $1 })
}

// MARK: - Maps

private struct Maps: Codable, Equatable {
    var stringToInt: [String: Int32] = [:]
    var intToString: [Int32: String] = [:]
    var int64ToMessage: [Int64: Leaf] = [:]
    var uint32ToBytes: [UInt32: Data] = [:]
    var stringToEnum: [String: WireTestMood] = [:]
    var uint64ToDouble: [UInt64: Double] = [:]
    var intToString2: [Int: String] = [:]
    var stringToString: [String: String] = [:]
    enum CodingKeys: Int, CodingKey {
        case stringToInt = 1, intToString = 2, int64ToMessage = 3, uint32ToBytes = 4
        case stringToEnum = 5, uint64ToDouble = 6, intToString2 = 7, stringToString = 8
    }
}

private func randomMap<K: Hashable, V, R: RandomNumberGenerator>(
    _ rng: inout R, key: (inout R) -> K, value: (inout R) -> V
) -> [K: V] {
    var map: [K: V] = [:]
    for _ in 0..<Int.random(in: 0...5, using: &rng) { map[key(&rng)] = value(&rng) }
    return map
}

private let anyMaps = Generator<Maps, Shrink.None<Maps>> { source in
    var rng = WireTestRandom(seed: source.next())
    return Maps(
        stringToInt: randomMap(&rng, key: { randomString(&$0, maxLength: 6) }, value: { Int32.random(in: .min ... .max, using: &$0) }),
        intToString: randomMap(&rng, key: { Int32.random(in: -3...3, using: &$0) }, value: { randomString(&$0, maxLength: 6) }),
        int64ToMessage: randomMap(&rng, key: { Int64.random(in: .min ... .max, using: &$0) }, value: { randomLeaf(&$0) }),
        uint32ToBytes: randomMap(&rng, key: { UInt32.random(in: 0...5, using: &$0) }, value: { Data((0..<Int.random(in: 0...5, using: &$0)).map { UInt8($0) }) }),
        stringToEnum: randomMap(&rng, key: { randomString(&$0, maxLength: 3) }, value: { WireTestMood(protobufValue: Int32.random(in: -1...4, using: &$0)) }),
        uint64ToDouble: randomMap(&rng, key: { UInt64.random(in: .min ... .max, using: &$0) }, value: { Double.random(in: -1e9...1e9, using: &$0) }),
        intToString2: randomMap(&rng, key: { Int.random(in: .min ... .max, using: &$0) }, value: { randomString(&$0, maxLength: 4) }),
        stringToString: randomMap(&rng, key: { randomString(&$0, maxLength: 4) }, value: { randomString(&$0, maxLength: 4) }))
}

@Test func mapsRoundTrip() async {
    await propertyCheck(count: 150, input: anyMaps) { maps in
        let bytes = try ProtobufEncoder().encode(maps)
        let back = try ProtobufDecoder().decode(Maps.self, from: bytes)
        #expect(back == maps)
        // Keys are written sorted, so equal maps give equal bytes.
        #expect(try ProtobufEncoder().encode(back) == bytes)
    }
}

@Test func mapEntriesOnTheWire() throws {
    // An entry always carries its key and value, even at their defaults.
    let bytes = try ProtobufEncoder().encode(Maps(stringToInt: ["": 0, "b": 2]))
    #expect(bytes == HandWire.lengthDelimited(1, [0x0A, 0x00, 0x10, 0x00]) + HandWire.lengthDelimited(1, [0x0A, 0x01, 0x62, 0x10, 0x02]))

    // Entries missing key or value, with the value first, with unknown fields,
    // and a repeated key (the last entry wins) all decode.
    let entries =
        HandWire.lengthDelimited(1, HandWire.varintField(2, 5))  // "" -> 5
        + HandWire.lengthDelimited(1, HandWire.string(1, "k"))  // "k" -> 0
        + HandWire.lengthDelimited(1, HandWire.varintField(2, 7) + HandWire.string(1, "v"))  // "v" -> 7
        + HandWire.lengthDelimited(1, HandWire.string(1, "u") + HandWire.fixed64Field(9, 1) + HandWire.varintField(2, 1))
        + HandWire.lengthDelimited(1, HandWire.string(1, "k") + HandWire.varintField(2, 3))  // "k" -> 3 replaces 0
        + HandWire.lengthDelimited(3, HandWire.varintField(1, 4))  // 4 -> Leaf()
    let decoded = try ProtobufDecoder().decode(Maps.self, from: entries)
    #expect(decoded.stringToInt == ["": 5, "k": 3, "v": 7, "u": 1])
    #expect(decoded.int64ToMessage == [4: Leaf()])
}

private struct BoolMaps: Codable, Equatable {
    var flags: [Bool: String] = [:]
    var counts: [Bool: Int32] = [:]
    enum CodingKeys: Int, CodingKey { case flags = 1, counts = 2 }
}

@Test func boolKeyedMapsRoundTrip() throws {
    // map<bool, V> is a valid protobuf map; Bool is not Comparable in Swift.
    let maps = BoolMaps(flags: [true: "yes", false: "no"], counts: [false: 0])
    let bytes = try ProtobufEncoder().encode(maps)
    #expect(
        bytes
            == HandWire.lengthDelimited(1, HandWire.varintField(1, 0) + HandWire.string(2, "no"))
            + HandWire.lengthDelimited(1, HandWire.varintField(1, 1) + HandWire.string(2, "yes"))
            + HandWire.lengthDelimited(2, HandWire.varintField(1, 0) + HandWire.varintField(2, 0)))
    #expect(try ProtobufDecoder().decode(BoolMaps.self, from: bytes) == maps)
}

// MARK: - Nesting

private struct Level4: Codable, Equatable {
    var value: Int32 = 0
    var ratio: Double = 0
    var when: Date? = nil
    var mood: WireTestMood = .unspecified
    var blob = Data()
    enum CodingKeys: Int, ProtobufCodingKey {
        case value = 1, ratio = 2, when = 3, mood = 4, blob = 5
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding { fieldNumber == 1 ? .zigZag : .varint }
    }
}

private struct Level3: Codable, Equatable {
    var tags: [String] = []
    var leaf = Level4()
    var leaves: [Level4] = []
    enum CodingKeys: Int, CodingKey { case tags = 1, leaf = 2, leaves = 3 }
}

private struct Level2: Codable, Equatable {
    var number: Int64 = 0
    var child: Level3? = nil
    var children: [Level3] = []
    var byName: [String: Level3] = [:]
    enum CodingKeys: Int, CodingKey { case number = 1, child = 2, children = 3, byName = 4 }
}

private struct Level1: Codable, Equatable {
    var name: String = ""
    var required = Level2()
    var optional: Level2? = nil
    var many: [Level2] = []
    var tree = TreeNode()
    enum CodingKeys: Int, CodingKey { case name = 1, required = 2, optional = 3, many = 4, tree = 5 }
}

/// A recursive message.
private struct TreeNode: Codable, Equatable {
    var label: String = ""
    var children: [TreeNode] = []
    enum CodingKeys: Int, CodingKey { case label = 1, children = 2 }
}

private func randomLevel4<R: RandomNumberGenerator>(_ rng: inout R) -> Level4 {
    Level4(
        value: Int32.random(in: .min ... .max, using: &rng),
        ratio: Bool.random(using: &rng) ? 0 : Double.random(in: -1e6...1e6, using: &rng),
        // Whole seconds: exact, so `==` can compare.
        when: Bool.random(using: &rng) ? nil : Date(timeIntervalSince1970: Double(Int64.random(in: -1_000_000_000...4_000_000_000, using: &rng))),
        mood: WireTestMood(protobufValue: Int32.random(in: -1...3, using: &rng)),
        blob: Data((0..<Int.random(in: 0...200, using: &rng)).map { UInt8(truncatingIfNeeded: $0) }))
}

private func randomLevel3<R: RandomNumberGenerator>(_ rng: inout R) -> Level3 {
    Level3(
        tags: (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomString(&rng, maxLength: 5) },
        leaf: randomLevel4(&rng),
        leaves: (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomLevel4(&rng) })
}

private func randomLevel2<R: RandomNumberGenerator>(_ rng: inout R) -> Level2 {
    Level2(
        number: Int64.random(in: .min ... .max, using: &rng),
        child: Bool.random(using: &rng) ? randomLevel3(&rng) : nil,
        children: (0..<Int.random(in: 0...2, using: &rng)).map { _ in randomLevel3(&rng) },
        byName: Bool.random(using: &rng) ? [:] : Dictionary(
            [("a", randomLevel3(&rng)), (randomString(&rng, maxLength: 3), Level3())], uniquingKeysWith: { first, _ in first }))
}

private func randomTree<R: RandomNumberGenerator>(_ rng: inout R, depth: Int) -> TreeNode {
    TreeNode(
        label: randomString(&rng, maxLength: 4),
        children: depth == 0 ? [] : (0..<Int.random(in: 0...2, using: &rng)).map { _ in randomTree(&rng, depth: depth - 1) })
}

private let anyLevel1 = Generator<Level1, Shrink.None<Level1>> { rng in
    Level1(
        name: randomString(&rng, maxLength: 10),
        required: randomLevel2(&rng),
        optional: Bool.random(using: &rng) ? randomLevel2(&rng) : nil,
        many: (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomLevel2(&rng) },
        tree: randomTree(&rng, depth: Int.random(in: 0...6, using: &rng)))
}

@Test func deeplyNestedMessagesRoundTrip() async {
    await propertyCheck(count: 60, input: anyLevel1) { message in
        let bytes = try ProtobufEncoder().encode(message)
        let back = try ProtobufDecoder().decode(Level1.self, from: bytes)
        #expect(back == message)
        #expect(try ProtobufEncoder().encode(back) == bytes)
    }
}

@Test func emptyAndDefaultNestedMessagesKeepTheirPresence() throws {
    let message = Level1(optional: Level2(), many: [Level2(), Level2(number: 1), Level2()])
    let bytes = try ProtobufEncoder().encode(message)
    let back = try ProtobufDecoder().decode(Level1.self, from: bytes)
    #expect(back == message)
    #expect(back.optional != nil)
    #expect(back.many.count == 3)
}

// MARK: - Defaults

private struct AllDefaults: Codable, Equatable {
    var int32: Int32 = 0
    var int64: Int64 = 0
    var uint32: UInt32 = 0
    var uint64: UInt64 = 0
    var sint32: Int32 = 0
    var sint64: Int64 = 0
    var fixed32: UInt32 = 0
    var fixed64: UInt64 = 0
    var sfixed32: Int32 = 0
    var sfixed64: Int64 = 0
    var bool = false
    var float: Float = 0
    var double: Double = 0
    var string = ""
    var bytes = Data()
    var mood = WireTestMood.unspecified
    var ints: [Int32] = []
    var strings: [String] = []
    var messages: [Leaf] = []
    var moods: [WireTestMood] = []
    var map: [String: Int32] = [:]
    var optionalInt: Int32? = nil
    var optionalString: String? = nil
    var optionalMessage: Leaf? = nil
    var optionalDate: Date? = nil
    var optionalMood: WireTestMood? = nil

    enum CodingKeys: Int, ProtobufCodingKey {
        case int32 = 1, int64, uint32, uint64, sint32, sint64, fixed32, fixed64, sfixed32, sfixed64
        case bool, float, double, string, bytes, mood, ints, strings, messages, moods, map
        case optionalInt, optionalString, optionalMessage, optionalDate, optionalMood
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
            switch fieldNumber {
            case 5, 6: .zigZag
            case 7, 8, 9, 10: .fixed
            default: .varint
            }
        }
    }
}

@Test func anAllDefaultMessageEncodesToZeroBytes() throws {
    #expect(try ProtobufEncoder().encode(AllDefaults()) == [])
    #expect(try ProtobufDecoder().decode(AllDefaults.self, from: []) == AllDefaults())

    // Any one field moved off its default (or an optional set, even to its
    // default) is written, and only that field.
    let changes: [(Int, (inout AllDefaults) -> Void)] = [
        (1, { $0.int32 = -1 }), (2, { $0.int64 = 1 }), (3, { $0.uint32 = 1 }), (4, { $0.uint64 = 1 }),
        (5, { $0.sint32 = -1 }), (6, { $0.sint64 = 1 }), (7, { $0.fixed32 = 1 }), (8, { $0.fixed64 = 1 }),
        (9, { $0.sfixed32 = -1 }), (10, { $0.sfixed64 = 1 }), (11, { $0.bool = true }), (12, { $0.float = -0.0 }),
        (13, { $0.double = -0.0 }), (14, { $0.string = " " }), (15, { $0.bytes = Data([0]) }),
        (16, { $0.mood = .unrecognized(-1) }), (17, { $0.ints = [0] }), (18, { $0.strings = [""] }),
        (19, { $0.messages = [Leaf()] }), (20, { $0.moods = [.unspecified] }), (21, { $0.map = ["": 0] }),
        (22, { $0.optionalInt = 0 }), (23, { $0.optionalString = "" }), (24, { $0.optionalMessage = Leaf() }),
        (25, { $0.optionalDate = Date(timeIntervalSince1970: 0) }), (26, { $0.optionalMood = .unspecified }),
    ]
    for (field, change) in changes {
        var message = AllDefaults()
        change(&message)
        let bytes = try ProtobufEncoder().encode(message)
        var position = 0
        let key = HandWire.readVarint(bytes, at: &position)
        #expect(!bytes.isEmpty && Int(key >> 3) == field, "field \(field) is written alone")
        #expect(try ProtobufDecoder().decode(AllDefaults.self, from: bytes) == message, "field \(field)")
    }
}

// MARK: - Unknown fields

private struct V1Child: Codable, Equatable {
    var id: Int64 = 0
    enum CodingKeys: Int, CodingKey { case id = 1 }
}

private struct V1: Codable, Equatable {
    var id: Int64 = 0
    var name: String = ""
    var child: V1Child? = nil
    var numbers: [Int32] = []
    enum CodingKeys: Int, CodingKey { case id = 1, name = 2, child = 3, numbers = 4 }
}

private struct V2Child: Codable {
    var id: Int64 = 0
    var extra: String = ""
    var extraFixed: UInt64 = 0
    enum CodingKeys: Int, ProtobufCodingKey {
        case id = 1, extra = 2, extraFixed = 3
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding { fieldNumber == 3 ? .fixed : .varint }
    }
}

/// V1 plus fields of every wire type that V1 does not know.
private struct V2: Codable {
    var id: Int64 = 0
    var name: String = ""
    var child: V2Child? = nil
    var numbers: [Int32] = []
    var double: Double = 0  // fixed64
    var float: Float = 0  // fixed32
    var varint: UInt64 = 0
    var text: String = ""  // length-delimited
    var message: Leaf? = nil
    var packed: [Int32] = []
    var strings: [String] = []
    var sint: Int64 = 0
    var mood: WireTestMood = .unspecified
    var when: Date? = nil
    var map: [String: Int32] = [:]
    var sfixed: Int32 = 0
    var far: Int32 = 0
    var farthest: Int64 = 0

    enum CodingKeys: Int, ProtobufCodingKey {
        case id = 1, name = 2, child = 3, numbers = 4
        case double = 5, float = 6, varint = 7, text = 8, message = 9, packed = 10, strings = 11
        case sint = 12, mood = 13, when = 14, map = 15, sfixed = 16, far = 1000, farthest = 536_870_911
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
            switch fieldNumber {
            case 12: .zigZag
            case 16: .fixed
            default: .varint
            }
        }
    }

    var v1: V1 { V1(id: id, name: name, child: child.map { V1Child(id: $0.id) }, numbers: numbers) }
}

private let anyV2 = Generator<V2, Shrink.None<V2>> { rng in
    var v2 = V2()
    if Bool.random(using: &rng) { v2.id = Int64.random(in: .min ... .max, using: &rng) }
    if Bool.random(using: &rng) { v2.name = randomString(&rng, maxLength: 8) }
    if Bool.random(using: &rng) {
        v2.child = V2Child(id: Int64.random(in: -9...9, using: &rng), extra: randomString(&rng, maxLength: 3), extraFixed: UInt64.random(in: 0...3, using: &rng))
    }
    v2.numbers = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Int32.random(in: .min ... .max, using: &rng) }
    if Bool.random(using: &rng) { v2.double = Double.random(in: -1...1, using: &rng) }
    if Bool.random(using: &rng) { v2.float = Float.random(in: -1...1, using: &rng) }
    if Bool.random(using: &rng) { v2.varint = UInt64.random(in: .min ... .max, using: &rng) }
    if Bool.random(using: &rng) { v2.text = randomString(&rng, maxLength: 8) }
    if Bool.random(using: &rng) { v2.message = randomLeaf(&rng) }
    v2.packed = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Int32.random(in: .min ... .max, using: &rng) }
    v2.strings = (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomString(&rng, maxLength: 3) }
    if Bool.random(using: &rng) { v2.sint = Int64.random(in: .min ... .max, using: &rng) }
    if Bool.random(using: &rng) { v2.mood = WireTestMood(protobufValue: Int32.random(in: -5...5, using: &rng)) }
    if Bool.random(using: &rng) { v2.when = Date(timeIntervalSince1970: Double(Int32.random(in: .min ... .max, using: &rng))) }
    if Bool.random(using: &rng) { v2.map = ["x": Int32.random(in: .min ... .max, using: &rng)] }
    if Bool.random(using: &rng) { v2.sfixed = Int32.random(in: .min ... .max, using: &rng) }
    if Bool.random(using: &rng) { v2.far = Int32.random(in: .min ... .max, using: &rng) }
    if Bool.random(using: &rng) { v2.farthest = Int64.random(in: .min ... .max, using: &rng) }
    return v2
}

/// Groups (wire types 3 and 4) for fields V1 does not know, nested, empty,
/// at the largest field number, and holding field numbers V1 does know.
private let unknownGroups: [UInt8] =
    HandWire.group(
        20,
        HandWire.varintField(1, 999)  // not V1.id: it belongs to the group
            + HandWire.string(2, "not the name")
            + HandWire.fixed32Field(3, 7)
            + HandWire.fixed64Field(4, 9)
            + HandWire.group(21, HandWire.group(22, HandWire.varintField(5, 1) + HandWire.group(23, [])))
            + HandWire.lengthDelimited(6, [0xFF, 0xFE]))
    + HandWire.group(24, [])
    + HandWire.group(536_870_911, HandWire.varintField(536_870_911, 1))

@Test func unknownFieldsOfEveryWireTypeAreSkipped() async {
    await propertyCheck(count: 150, input: anyV2) { v2 in
        let bytes = try ProtobufEncoder().encode(v2)
        #expect(try ProtobufDecoder().decode(V1.self, from: bytes) == v2.v1)
        // Groups before, between and after the known fields (concatenated
        // messages merge, and these have no field in common).
        var head = v2, tail = v2
        head.numbers = []; head.child = nil; head.packed = []
        tail.id = 0; tail.name = ""; tail.double = 0; tail.varint = 0
        let spliced = try unknownGroups + ProtobufEncoder().encode(head) + unknownGroups + ProtobufEncoder().encode(tail) + unknownGroups
        #expect(try ProtobufDecoder().decode(V1.self, from: spliced) == v2.v1)
    }
}

@Test func unknownFieldsInsideNestedMessagesAreSkipped() throws {
    let child = HandWire.varintField(1, 42) + unknownGroups + HandWire.fixed32Field(77, 1) + HandWire.lengthDelimited(78, [1, 2, 3])
    let bytes = unknownGroups + HandWire.lengthDelimited(3, child) + HandWire.varintField(99, 5)
    #expect(try ProtobufDecoder().decode(V1.self, from: bytes) == V1(child: V1Child(id: 42)))
}

// MARK: - Repeated occurrences of singular fields

private struct Singulars: Codable, Equatable {
    var number: Int32 = 0
    var text: String = ""
    var fixed: UInt32 = 0
    var mood: WireTestMood = .unspecified
    var maybe: Int64? = nil
    var when: Date? = nil
    var leaf: Leaf? = nil
    var flag = false
    enum CodingKeys: Int, ProtobufCodingKey {
        case number = 1, text = 2, fixed = 3, mood = 4, maybe = 5, when = 6, leaf = 7, flag = 8
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding { fieldNumber == 3 ? .fixed : .varint }
    }
}

@Test func theLastValueOfASingularFieldWins() throws {
    // In field order (the sorted lookup) ...
    let sorted =
        HandWire.varintField(1, 5) + HandWire.varintField(1, 7)
        + HandWire.string(2, "first") + HandWire.string(2, "second")
        + HandWire.fixed32Field(3, 1) + HandWire.fixed32Field(3, 2)
        + HandWire.varintField(4, 1) + HandWire.varintField(4, 2)
        + HandWire.varintField(5, 9) + HandWire.varintField(5, 0)
        + HandWire.varintField(8, 1) + HandWire.varintField(8, 0)
    #expect(
        try ProtobufDecoder().decode(Singulars.self, from: sorted)
            == Singulars(number: 7, text: "second", fixed: 2, mood: .sad, maybe: 0, flag: false))
    // ... and interleaved (the unsorted lookup).
    let interleaved =
        HandWire.varintField(1, 5) + HandWire.string(2, "first") + HandWire.varintField(8, 1)
        + HandWire.varintField(1, 6) + HandWire.fixed32Field(3, 1) + HandWire.varintField(4, 1)
        + HandWire.varintField(5, 9) + HandWire.string(2, "second") + HandWire.varintField(1, 7)
        + HandWire.varintField(4, 0) + HandWire.fixed32Field(3, 2)
    #expect(
        try ProtobufDecoder().decode(Singulars.self, from: interleaved)
            == Singulars(number: 7, text: "second", fixed: 2, mood: .unspecified, maybe: 9, flag: true))
}

@Test func twoOccurrencesOfAMessageFieldMerge() throws {
    let first = HandWire.lengthDelimited(7, HandWire.varintField(1, 3) + HandWire.varintField(3, 10) + HandWire.varintField(4, 1))
    let second = HandWire.lengthDelimited(7, HandWire.string(2, "b") + HandWire.varintField(3, 11) + HandWire.varintField(4, 2))
    let merged = try ProtobufDecoder().decode(Singulars.self, from: first + HandWire.varintField(1, 1) + second)
    #expect(merged.leaf == Leaf(a: 3, s: "b", tags: [10, 11], mood: .sad))
    #expect(merged.number == 1)

    // A timestamp is a message too: seconds from one occurrence, nanos from another.
    let when = HandWire.lengthDelimited(6, HandWire.timestamp(seconds: 100, nanos: 0))
        + HandWire.lengthDelimited(6, HandWire.timestamp(seconds: 0, nanos: 250_000_000))
    let date = try #require(try ProtobufDecoder().decode(Singulars.self, from: when).when)
    #expect(sameDate(date, Date(timeIntervalSince1970: 100.25)))
}

@Test func messagesMergeAtEveryLevel() throws {
    // Level1.required(2) -> Level2.child(2) -> Level3.leaf(2) -> Level4: value(1, sint32) then mood(4).
    let a = HandWire.lengthDelimited(2, HandWire.lengthDelimited(2, HandWire.lengthDelimited(2, HandWire.varintField(1, HandWire.zigZag(-3)))))
    let b = HandWire.lengthDelimited(2, HandWire.lengthDelimited(2, HandWire.lengthDelimited(2, HandWire.varintField(4, 2)) + HandWire.string(1, "t")))
    let decoded = try ProtobufDecoder().decode(Level1.self, from: a + b)
    #expect(decoded.required.child == Level3(tags: ["t"], leaf: Level4(value: -3, mood: .sad)))
}

// The merge law: decoding two concatenated messages gives their merge.

private struct MergeGrand: Codable, Equatable {
    var x: Int32 = 0
    var ys: [String] = []
    enum CodingKeys: Int, CodingKey { case x = 1, ys = 2 }
}

private struct MergeChild: Codable, Equatable {
    var a: Int32 = 0
    var b: String = ""
    var tags: [UInt32] = []
    var grand: MergeGrand? = nil
    enum CodingKeys: Int, CodingKey { case a = 1, b = 2, tags = 3, grand = 4 }
}

private struct Mergeable: Codable, Equatable {
    var n: Int64 = 0
    var s: String = ""
    var o: Int32? = nil
    var list: [Int32] = []
    var strs: [String] = []
    var child: MergeChild? = nil
    var kids: [MergeChild] = []
    var map: [String: Int32] = [:]
    var mood: WireTestMood = .unspecified
    var flag = false
    var when: Date? = nil
    var sub = MergeChild()
    enum CodingKeys: Int, CodingKey {
        case n = 1, s = 2, o = 3, list = 4, strs = 5, child = 6, kids = 7, map = 8, mood = 9, flag = 10, when = 11, sub = 12
    }
}

private func merge(_ a: MergeGrand?, _ b: MergeGrand?) -> MergeGrand? {
    guard let a, let b else { return b ?? a }
    return MergeGrand(x: b.x != 0 ? b.x : a.x, ys: a.ys + b.ys)
}

private func merge(_ a: MergeChild, _ b: MergeChild) -> MergeChild {
    MergeChild(a: b.a != 0 ? b.a : a.a, b: b.b.isEmpty ? a.b : b.b, tags: a.tags + b.tags, grand: merge(a.grand, b.grand))
}

private func merge(_ a: Mergeable, _ b: Mergeable) -> Mergeable {
    var m = Mergeable()
    m.n = b.n != 0 ? b.n : a.n
    m.s = b.s.isEmpty ? a.s : b.s
    m.o = b.o ?? a.o
    m.list = a.list + b.list
    m.strs = a.strs + b.strs
    m.child = a.child.map { ac in b.child.map { merge(ac, $0) } ?? ac } ?? b.child
    m.kids = a.kids + b.kids
    m.map = a.map.merging(b.map) { $1 }
    m.mood = b.mood.protobufValue != 0 ? b.mood : a.mood
    m.flag = b.flag || a.flag
    // Whole-second dates: an epoch occurrence carries no seconds and keeps the earlier ones.
    m.when = a.when.map { aw in b.when.map { $0.timeIntervalSince1970 != 0 ? $0 : aw } ?? aw } ?? b.when
    m.sub = merge(a.sub, b.sub)
    return m
}

private func randomMergeChild<R: RandomNumberGenerator>(_ rng: inout R) -> MergeChild {
    MergeChild(
        a: Bool.random(using: &rng) ? 0 : Int32.random(in: -5...5, using: &rng),
        b: Bool.random(using: &rng) ? "" : randomString(&rng, maxLength: 3),
        tags: (0..<Int.random(in: 0...3, using: &rng)).map { _ in UInt32.random(in: 0...500, using: &rng) },
        grand: Bool.random(using: &rng)
            ? nil
            : MergeGrand(
                x: Int32.random(in: -1...1, using: &rng),
                ys: (0..<Int.random(in: 0...2, using: &rng)).map { _ in randomString(&rng, maxLength: 2) }))
}

private let anyMergeable = Generator<Mergeable, Shrink.None<Mergeable>> { rng in
    var m = Mergeable()
    if Bool.random(using: &rng) { m.n = Int64.random(in: -3...3, using: &rng) }
    if Bool.random(using: &rng) { m.s = randomString(&rng, maxLength: 4) }
    if Bool.random(using: &rng) { m.o = Int32.random(in: -1...1, using: &rng) }
    m.list = (0..<Int.random(in: 0...3, using: &rng)).map { _ in Int32.random(in: .min ... .max, using: &rng) }
    m.strs = (0..<Int.random(in: 0...2, using: &rng)).map { _ in randomString(&rng, maxLength: 3) }
    if Bool.random(using: &rng) { m.child = randomMergeChild(&rng) }
    m.kids = (0..<Int.random(in: 0...2, using: &rng)).map { _ in randomMergeChild(&rng) }
    for _ in 0..<Int.random(in: 0...3, using: &rng) { m.map[["a", "b", "c"].randomElement(using: &rng)!] = Int32.random(in: -9...9, using: &rng) }
    if Bool.random(using: &rng) { m.mood = WireTestMood(protobufValue: Int32.random(in: 0...3, using: &rng)) }
    m.flag = Bool.random(using: &rng)
    if Bool.random(using: &rng) { m.when = Date(timeIntervalSince1970: Double(Int.random(in: -2...2, using: &rng) * 86_400)) }
    m.sub = randomMergeChild(&rng)
    return m
}

@Test func concatenatedMessagesDecodeToTheirMerge() async {
    await propertyCheck(count: 200, input: anyMergeable, anyMergeable) { a, b in
        let bytes = try ProtobufEncoder().encode(a) + ProtobufEncoder().encode(b)
        #expect(try ProtobufDecoder().decode(Mergeable.self, from: bytes) == merge(a, b))
    }
}

// MARK: - Packed and unpacked repeated fields

/// Unpacked, packed, and mixed runs (with empty packed runs and unrelated
/// fields in between) of the same list all decode to it.
private func checkPacking<V: Codable & Sendable, S: SendableSequenceType, H: RoundTripHint>(
    _ gen: Generator<V, S>, _ hint: H.Type, same: @escaping @Sendable (V, V) -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    await propertyCheck(
        count: 60, input: gen.array(of: 0...24), Gen<UInt64>.value(in: 0 ... .max),
        perform: { list, seed in
            func check(_ bytes: [UInt8], _ how: String) throws {
                let decoded = try ProtobufDecoder().decode(Many<V, H>.self, from: bytes).values
                #expect(decoded.count == list.count && zip(decoded, list).allSatisfy { same($0.0, $0.1) }, "\(how)", sourceLocation: sourceLocation)
            }
            let packed = try ProtobufEncoder().encode(Many<V, H>(values: list))
            // The encoder packs: one length-delimited field 1, or nothing.
            #expect(packed.isEmpty ? list.isEmpty : packed.first == 0x0A, sourceLocation: sourceLocation)
            try check(packed, "packed")

            var unpacked: [UInt8] = []
            for value in list { unpacked += try ProtobufEncoder().encode(Single<V, H>(value: value)) }
            try check(unpacked, "unpacked")

            var rng = WireTestRandom(seed: seed)
            var mixed: [UInt8] = []
            var index = 0
            while index < list.count {
                let chunk = Array(list[index..<min(list.count, index + Int.random(in: 1...4, using: &rng))])
                index += chunk.count
                if Bool.random(using: &rng) {
                    mixed += try ProtobufEncoder().encode(Many<V, H>(values: chunk))
                } else {
                    for value in chunk { mixed += try ProtobufEncoder().encode(Single<V, H>(value: value)) }
                }
                if Int.random(in: 0..<4, using: &rng) == 0 { mixed += [0x0A, 0x00] }  // an empty packed run
                if Int.random(in: 0..<4, using: &rng) == 0 { mixed += HandWire.varintField(2, 7) }  // another field
            }
            try check(mixed, "mixed")
        },
        sourceLocation: sourceLocation)
}

@Test func packedAndUnpackedRepeatedFieldsAreBothAccepted() async {
    await checkPacking(edgeInt(Int32.self), AsVarint.self, same: { $0 == $1 })
    await checkPacking(edgeInt(Int64.self), AsVarint.self, same: { $0 == $1 })
    await checkPacking(edgeInt(UInt32.self), AsVarint.self, same: { $0 == $1 })
    await checkPacking(edgeInt(UInt64.self), AsVarint.self, same: { $0 == $1 })
    await checkPacking(edgeInt(Int32.self), AsZigZag.self, same: { $0 == $1 })
    await checkPacking(edgeInt(Int64.self), AsZigZag.self, same: { $0 == $1 })
    await checkPacking(edgeInt(UInt32.self), AsFixed.self, same: { $0 == $1 })
    await checkPacking(edgeInt(UInt64.self), AsFixed.self, same: { $0 == $1 })
    await checkPacking(edgeInt(Int32.self), AsFixed.self, same: { $0 == $1 })
    await checkPacking(edgeInt(Int64.self), AsFixed.self, same: { $0 == $1 })
    await checkPacking(Gen.bool, AsVarint.self, same: { $0 == $1 })
    await checkPacking(anyFloat, AsVarint.self, same: sameFloat)
    await checkPacking(anyDouble, AsVarint.self, same: sameDouble)
    await checkPacking(anyMood, AsVarint.self, same: { $0 == $1 })
}

@Test func repeatedStringsBytesAndMessagesAreOneFieldPerElement() throws {
    let message = Box<String, AsVarint>(single: "", optional: nil, repeated: ["a", "", "bc"])
    #expect(try ProtobufEncoder().encode(message) == HandWire.string(3, "a") + HandWire.string(3, "") + HandWire.string(3, "bc"))
    let leaves = Box<Leaf, AsVarint>(single: Leaf(), optional: nil, repeated: [Leaf(a: 1), Leaf()])
    #expect(
        try ProtobufEncoder().encode(leaves)
            == HandWire.lengthDelimited(1, []) + HandWire.lengthDelimited(3, HandWire.varintField(1, 1)) + HandWire.lengthDelimited(3, []))
}
