/// The six wire types of the protobuf binary format (3 and 4, the deprecated
/// groups, are only ever skipped).
@usableFromInline
enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5

    var name: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "fixed64"
        case .lengthDelimited: "length-delimited"
        case .startGroup: "start-group"
        case .endGroup: "end-group"
        case .fixed32: "fixed32"
        }
    }
}

/// Protobuf field numbers are 1 ... 2^29 - 1.
@usableFromInline
let maxFieldNumber = (1 << 29) - 1

@inline(__always)
func zigZagEncode(_ value: Int64) -> UInt64 {
    UInt64(bitPattern: (value << 1) ^ (value >> 63))
}

@inline(__always)
func zigZagDecode(_ value: UInt64) -> Int64 {
    Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
}

@inline(__always)
func varintSize(_ value: UInt64) -> Int {
    // 1 byte per 7 significant bits, at least one byte.
    let bits = 64 - (value | 1).leadingZeroBitCount
    return (bits + 6) / 7
}
