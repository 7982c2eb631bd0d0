import Foundation
import Testing
@testable import BizingWire

/// Protobuf bytes built by hand, independent of the encoder under test, so
/// tests can state exactly what should be on the wire.
enum HandWire {
    static let varintType: UInt8 = 0
    static let fixed64Type: UInt8 = 1
    static let lengthDelimitedType: UInt8 = 2
    static let startGroupType: UInt8 = 3
    static let endGroupType: UInt8 = 4
    static let fixed32Type: UInt8 = 5

    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value
        var out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }

    static func varint(signed value: Int64) -> [UInt8] { varint(UInt64(bitPattern: value)) }

    static func zigZag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    static func tag(_ field: Int, _ wireType: UInt8) -> [UInt8] { varint(UInt64(field) << 3 | UInt64(wireType)) }

    static func varintField(_ field: Int, _ value: UInt64) -> [UInt8] { tag(field, varintType) + varint(value) }

    static func fixed32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    static func fixed64(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    static func fixed32Field(_ field: Int, _ value: UInt32) -> [UInt8] { tag(field, fixed32Type) + fixed32(value) }
    static func fixed64Field(_ field: Int, _ value: UInt64) -> [UInt8] { tag(field, fixed64Type) + fixed64(value) }

    static func lengthDelimited(_ field: Int, _ body: [UInt8]) -> [UInt8] {
        tag(field, lengthDelimitedType) + varint(UInt64(body.count)) + body
    }

    static func string(_ field: Int, _ text: String) -> [UInt8] { lengthDelimited(field, Array(text.utf8)) }

    static func group(_ field: Int, _ body: [UInt8]) -> [UInt8] {
        tag(field, startGroupType) + body + tag(field, endGroupType)
    }

    /// A `google.protobuf.Timestamp` body.
    static func timestamp(seconds: Int64, nanos: Int64) -> [UInt8] {
        (seconds != 0 ? varintField(1, UInt64(bitPattern: seconds)) : [])
            + (nanos != 0 ? varintField(2, UInt64(bitPattern: nanos)) : [])
    }

    /// Reads a varint on the test side (for walking encoded bytes).
    static func readVarint(_ bytes: [UInt8], at position: inout Int) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = bytes[position]
            position += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }
}

/// Decodes `bytes`, requiring a `WireFormatError` (and no other error), and
/// checks the parts of it that are given.
@discardableResult
func expectWireError<T: Decodable>(
    _ type: T.Type, _ bytes: [UInt8],
    decoder: ProtobufDecoder = ProtobufDecoder(),
    code: WireFormatError.Code,
    offset: Int? = nil,
    field: Int?? = nil,
    path: [Int]? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) -> WireFormatError? {
    let thrown: WireFormatError
    do {
        _ = try decoder.decode(T.self, from: bytes)
        Issue.record("expected \(code) but \(bytes.count) bytes decoded", sourceLocation: sourceLocation)
        return nil
    } catch let error as WireFormatError {
        thrown = error
    } catch {
        Issue.record("expected a WireFormatError, got \(Swift.type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(thrown.code == code, "\(thrown)", sourceLocation: sourceLocation)
    if let offset {
        #expect(thrown.offset == offset, "\(thrown)", sourceLocation: sourceLocation)
    }
    if let field {
        #expect(thrown.fieldNumber == field, "\(thrown)", sourceLocation: sourceLocation)
    }
    if let path {
        #expect(thrown.fieldPath == path, "\(thrown)", sourceLocation: sourceLocation)
    }
    return thrown
}

/// A test-only enum with known cases and room for unknown values.
enum WireTestMood: ProtobufEnum {
    case unspecified, happy, sad
    case unrecognized(Int32)

    init(protobufValue: Int32) {
        switch protobufValue {
        case 0: self = .unspecified
        case 1: self = .happy
        case 2: self = .sad
        default: self = .unrecognized(protobufValue)
        }
    }

    var protobufValue: Int32 {
        switch self {
        case .unspecified: 0
        case .happy: 1
        case .sad: 2
        case .unrecognized(let value): value
        }
    }
}

/// A small deterministic generator for the parts of the tests that do not go
/// through `propertyCheck` (fuzzing, hand-built corpora): SplitMix64.
struct WireTestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Compares two byte strings, reporting the first difference instead of
/// printing (possibly megabytes of) both arrays.
func expectSameBytes(
    _ actual: [UInt8], _ expected: [UInt8], _ context: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual != expected else { return }
    let common = zip(actual, expected).prefix { $0 == $1 }.count
    let window = { (bytes: [UInt8]) in bytes[max(0, common - 4)..<min(bytes.count, common + 8)].map { String($0, radix: 16) } }
    Issue.record(
        "\(context()): bytes differ at index \(common) (actual \(actual.count) bytes, expected \(expected.count)); actual …\(window(actual))…, expected …\(window(expected))…",
        sourceLocation: sourceLocation)
}
