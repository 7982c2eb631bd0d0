import BizingWire
import Foundation

// Message types that exercise every feature of the protobuf-wire Codable
// coder: nested and recursive messages, repeated fields (packed numbers,
// strings, bytes, messages, enums, dates), maps with scalar, bytes, date and
// message values, enums with unknown values, `Date` as Timestamp, optionals
// (explicit presence), and sint/fixed integers through `ProtobufCodingKey`.
//
// Float and double fields compare by bit pattern, so a NaN decodes, re-encodes
// and compares equal to itself.

public enum Color: ProtobufEnum, Equatable {
    case unspecified, red, green, blue
    case unrecognized(Int32)

    public init(protobufValue: Int32) {
        switch protobufValue {
        case 0: self = .unspecified
        case 1: self = .red
        case 2: self = .green
        case 3: self = .blue
        default: self = .unrecognized(protobufValue)
        }
    }

    public var protobufValue: Int32 {
        switch self {
        case .unspecified: return 0
        case .red: return 1
        case .green: return 2
        case .blue: return 3
        case .unrecognized(let value): return value
        }
    }
}

/// Every scalar type, in every integer encoding.
public struct Scalars: Codable, Equatable {
    public var double: Double = 0
    public var float: Float = 0
    public var int32: Int32 = 0
    public var int64: Int64 = 0
    public var uint32: UInt32 = 0
    public var uint64: UInt64 = 0
    public var sint32: Int32 = 0
    public var sint64: Int64 = 0
    public var fixed32: UInt32 = 0
    public var fixed64: UInt64 = 0
    public var sfixed32: Int32 = 0
    public var sfixed64: Int64 = 0
    public var bool: Bool = false
    public var string: String = ""
    public var bytes: Data = Data()
    public var int: Int = 0
    public var uint: UInt = 0
    public var int16: Int16 = 0
    public var uint16: UInt16 = 0
    public var int8: Int8 = 0
    public var uint8: UInt8 = 0
    public var sfixedInt: Int = 0
    public var sint16: Int16 = 0
    public var fixedUInt8: UInt8 = 0

    public init() {}

    enum CodingKeys: Int, ProtobufCodingKey {
        case double = 1, float = 2, int32 = 3, int64 = 4, uint32 = 5, uint64 = 6
        case sint32 = 7, sint64 = 8, fixed32 = 9, fixed64 = 10, sfixed32 = 11, sfixed64 = 12
        case bool = 13, string = 14, bytes = 15, int = 16, uint = 17, int16 = 18, uint16 = 19
        case int8 = 20, uint8 = 21, sfixedInt = 22, sint16 = 23, fixedUInt8 = 24

        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
            switch fieldNumber {
            case 7, 8, 23: return .zigZag
            case 9, 10, 11, 12, 22, 24: return .fixed
            default: return .varint
            }
        }
    }

    public static func == (a: Scalars, b: Scalars) -> Bool {
        a.double.bitPattern == b.double.bitPattern && a.float.bitPattern == b.float.bitPattern
            && a.int32 == b.int32 && a.int64 == b.int64 && a.uint32 == b.uint32 && a.uint64 == b.uint64
            && a.sint32 == b.sint32 && a.sint64 == b.sint64 && a.fixed32 == b.fixed32 && a.fixed64 == b.fixed64
            && a.sfixed32 == b.sfixed32 && a.sfixed64 == b.sfixed64 && a.bool == b.bool && a.string == b.string
            && a.bytes == b.bytes && a.int == b.int && a.uint == b.uint && a.int16 == b.int16
            && a.uint16 == b.uint16 && a.int8 == b.int8 && a.uint8 == b.uint8 && a.sfixedInt == b.sfixedInt
            && a.sint16 == b.sint16 && a.fixedUInt8 == b.fixedUInt8
    }
}

/// Repeated numbers, packed or not, in every encoding.
public struct Numbers: Codable, Equatable {
    public var int32s: [Int32] = []
    public var sint64s: [Int64] = []
    public var fixed32s: [UInt32] = []
    public var sfixed64s: [Int64] = []
    public var doubles: [Double] = []
    public var floats: [Float] = []
    public var bools: [Bool] = []
    public var uint64s: [UInt64] = []
    public var sint32s: [Int32] = []
    public var ints: [Int] = []

    public init() {}

    enum CodingKeys: Int, ProtobufCodingKey {
        case int32s = 1, sint64s = 2, fixed32s = 3, sfixed64s = 4, doubles = 5, floats = 6
        case bools = 7, uint64s = 8, sint32s = 9, ints = 10

        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
            switch fieldNumber {
            case 2, 9: return .zigZag
            case 3, 4: return .fixed
            default: return .varint
            }
        }
    }

    public static func == (a: Numbers, b: Numbers) -> Bool {
        a.int32s == b.int32s && a.sint64s == b.sint64s && a.fixed32s == b.fixed32s && a.sfixed64s == b.sfixed64s
            && a.doubles.map(\.bitPattern) == b.doubles.map(\.bitPattern)
            && a.floats.map(\.bitPattern) == b.floats.map(\.bitPattern)
            && a.bools == b.bools && a.uint64s == b.uint64s && a.sint32s == b.sint32s && a.ints == b.ints
    }
}

public struct Inner: Codable, Equatable {
    public var name: String = ""
    public var blob: Data = Data()
    public var delta: Int32 = 0
    public var when: Date? = nil
    public var color: Color = .unspecified

    public init() {}

    enum CodingKeys: Int, ProtobufCodingKey {
        case name = 1, blob = 2, delta = 3, when = 4, color = 5
        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
            fieldNumber == 3 ? .zigZag : .varint
        }
    }
}

/// A recursive message: nesting depth is bounded only by the decoder's limit.
public struct Node: Codable, Equatable {
    public var label: String = ""
    public var value: Int64 = 0
    public var children: [Node] = []

    public init() {}

    enum CodingKeys: Int, CodingKey {
        case label = 1, value = 2, children = 3
    }
}

public struct Rich: Codable, Equatable {
    public var id: String = ""
    public var scalars: Scalars = Scalars()
    public var inner: Inner = Inner()
    public var optInner: Inner? = nil
    public var inners: [Inner] = []
    public var color: Color = .unspecified
    public var optColor: Color? = nil
    public var colors: [Color] = []
    public var when: Date = Date(timeIntervalSince1970: 0)
    public var optWhen: Date? = nil
    public var dates: [Date] = []
    public var tags: [String] = []
    public var blobs: [Data] = []
    public var numbers: Numbers = Numbers()
    public var byName: [String: Int64] = [:]
    public var byID: [Int32: Inner] = [:]
    public var labels: [UInt64: String] = [:]
    public var blobMap: [String: Data] = [:]
    public var dateMap: [Int64: Date] = [:]
    public var optString: String? = nil
    public var optBytes: Data? = nil
    public var optSint64: Int64? = nil
    public var optDouble: Double? = nil
    public var optBool: Bool? = nil
    public var optFixed32: UInt32? = nil
    public var tree: Node = Node()
    public var status: StatusCode = .ok
    public var uuid: UUID? = nil
    public var uuids: [UUID] = []
    public var last: UInt32 = 0

    public init() {}

    enum CodingKeys: Int, ProtobufCodingKey {
        case id = 1, scalars = 2, inner = 3, optInner = 4, inners = 5, color = 6, optColor = 7
        case colors = 8, when = 9, optWhen = 10, dates = 11, tags = 12, blobs = 13, numbers = 14
        case byName = 15, byID = 16, labels = 17, blobMap = 18, dateMap = 19, optString = 20
        case optBytes = 21, optSint64 = 22, optDouble = 23, optBool = 24, optFixed32 = 25
        case tree = 26, status = 27, uuid = 28, uuids = 29
        // The largest field number protobuf allows.
        case last = 536_870_911

        static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding {
            switch fieldNumber {
            case 22: return .zigZag
            case 25: return .fixed
            default: return .varint
            }
        }
    }

    public static func == (a: Rich, b: Rich) -> Bool {
        a.id == b.id && a.scalars == b.scalars && a.inner == b.inner && a.optInner == b.optInner
            && a.inners == b.inners && a.color == b.color && a.optColor == b.optColor && a.colors == b.colors
            && a.when == b.when && a.optWhen == b.optWhen && a.dates == b.dates && a.tags == b.tags
            && a.blobs == b.blobs && a.numbers == b.numbers && a.byName == b.byName && a.byID == b.byID
            && a.labels == b.labels && a.blobMap == b.blobMap && a.dateMap == b.dateMap
            && a.optString == b.optString && a.optBytes == b.optBytes && a.optSint64 == b.optSint64
            && a.optDouble?.bitPattern == b.optDouble?.bitPattern && a.optBool == b.optBool
            && a.optFixed32 == b.optFixed32 && a.tree == b.tree && a.status == b.status
            && a.uuid == b.uuid && a.uuids == b.uuids && a.last == b.last
    }
}
