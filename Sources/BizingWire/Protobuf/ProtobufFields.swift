/// Field-level access to protobuf bytes without Swift types, for tools that
/// work from descriptors (the CLI's JSON conversion).
public enum ProtobufFieldValue: Equatable, Sendable {
    case varint(UInt64)
    case fixed64(UInt64)
    case lengthDelimited([UInt8])
    case fixed32(UInt32)
}

public enum ProtobufFields {
    /// Every field of a message, in wire order (groups are skipped).
    public static func read(_ bytes: [UInt8]) throws(WireFormatError) -> [(number: Int, value: ProtobufFieldValue)] {
        var fields: [(number: Int, value: ProtobufFieldValue)] = []
        let outcome: Result<Void, WireFormatError> = bytes.withUnsafeBytes { raw in
          Result { () throws(WireFormatError) in
            let reader = WireReader(base: raw)
            var position = 0
            while position < raw.count {
                let tagOffset = position
                let (number, wireType) = try reader.readTag(&position, end: raw.count)
                switch wireType {
                case .varint: fields.append((number, .varint(try reader.readVarint(&position, end: raw.count, field: number))))
                case .fixed64: fields.append((number, .fixed64(try reader.readFixed64(&position, end: raw.count, field: number))))
                case .fixed32: fields.append((number, .fixed32(try reader.readFixed32(&position, end: raw.count, field: number))))
                case .lengthDelimited:
                    let range = try reader.readLengthDelimited(&position, end: raw.count, field: number)
                    fields.append((number, .lengthDelimited(Array(raw[range]))))
                case .startGroup, .endGroup:
                    try reader.skipValue(wireType, fieldNumber: number, tagOffset: tagOffset, &position, end: raw.count, depthLeft: ProtobufDecoder.defaultMaxDepth)
                }
            }
          }
        }
        try outcome.get()
        return fields
    }

    /// Writes fields in the order given.
    public static func write(_ fields: [(number: Int, value: ProtobufFieldValue)]) -> [UInt8] {
        let writer = WireWriter()
        for (number, value) in fields {
            switch value {
            case .varint(let v):
                writer.writeTag(number, .varint)
                writer.writeVarint(v)
            case .fixed64(let v):
                writer.writeTag(number, .fixed64)
                writer.writeFixed64(v)
            case .fixed32(let v):
                writer.writeTag(number, .fixed32)
                writer.writeFixed32(v)
            case .lengthDelimited(let bytes):
                writer.writeTag(number, .lengthDelimited)
                bytes.withUnsafeBytes { writer.writeLengthDelimited($0) }
            }
        }
        return writer.toArray()
    }
}
