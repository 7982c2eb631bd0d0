/// A protobuf enum: an `Int32` on the wire that keeps values it does not know.
///
/// Generated enums have a case per known value and `unrecognized(Int32)` for
/// the rest, so a message from a newer peer decodes and re-encodes losslessly.
public protocol ProtobufEnum: Codable, Hashable, Sendable {
    init(protobufValue: Int32)
    var protobufValue: Int32 { get }
}

extension ProtobufEnum {
    public init(from decoder: any Decoder) throws {
        self.init(protobufValue: try decoder.singleValueContainer().decode(Int32.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(protobufValue)
    }
}

/// How an integer field is laid out on the wire, beyond the Swift type's default.
public enum ProtobufIntegerEncoding: Sendable {
    /// int32, int64, uint32, uint64: plain varint (the default).
    case varint
    /// sint32, sint64: zigzag varint.
    case zigZag
    /// fixed32, fixed64, sfixed32, sfixed64: little-endian fixed width.
    case fixed
}

/// Coding keys that tell the coder about sint and fixed integer fields.
///
/// The Swift type says int32 vs int64 and signed vs unsigned; only the choice
/// of varint, zigzag or fixed width needs a hint, and only generated keys of
/// messages with such fields provide one.
public protocol ProtobufCodingKey: CodingKey {
    static func integerEncoding(forField fieldNumber: Int) -> ProtobufIntegerEncoding
}
