public import NIOCore
import struct Foundation.Data

/// CALL_START is written and read once per call on each side, so it skips
/// the Codable coder (whose generic dispatch costs more than the call's
/// own message). The bytes are the same: tests compare both ways.
extension CallStart {
    /// Appends a whole CALL_START frame (header and payload) to `buffer`.
    public func writeFrame(callID: UInt32, flags: FrameFlags = [], to buffer: inout ByteBuffer) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))  // patched below
        buffer.writeInteger(FrameType.callStart.rawValue)
        buffer.writeInteger(flags.rawValue)
        buffer.writeInteger(callID)
        let payloadStart = buffer.writerIndex
        writePayload(to: &buffer)
        buffer.setInteger(UInt32(buffer.writerIndex - payloadStart), at: lengthIndex)
    }

    /// Appends the protobuf payload, exactly as `ProtobufEncoder` writes it.
    public func writePayload(to buffer: inout ByteBuffer) {
        buffer.writeProtobufString(method, field: 1)
        for entry in metadata {
            var size = 0
            if !entry.key.isEmpty { size += 1 + ByteBuffer.varintSize(UInt64(entry.key.utf8.count)) + entry.key.utf8.count }
            if !entry.value.isEmpty { size += 1 + ByteBuffer.varintSize(UInt64(entry.value.utf8.count)) + entry.value.utf8.count }
            if !entry.binaryValue.isEmpty { size += 1 + ByteBuffer.varintSize(UInt64(entry.binaryValue.count)) + entry.binaryValue.count }
            buffer.writeInteger(UInt8(2 << 3 | 2))
            buffer.writeProtobufVarint(UInt64(size))
            buffer.writeProtobufString(entry.key, field: 1)
            buffer.writeProtobufString(entry.value, field: 2)
            if !entry.binaryValue.isEmpty {
                buffer.writeInteger(UInt8(3 << 3 | 2))
                buffer.writeProtobufVarint(UInt64(entry.binaryValue.count))
                buffer.writeBytes(entry.binaryValue)
            }
        }
        if timeoutMicros != 0 {
            buffer.writeInteger(UInt8(3 << 3 | 0))
            buffer.writeProtobufVarint(timeoutMicros)
        }
    }

    /// Reads a payload as `ProtobufDecoder` would: unknown fields skipped,
    /// the last value of a singular field wins, the same errors.
    public static func read(from payload: ByteBuffer) throws(WireFormatError) -> CallStart {
        let outcome: Result<CallStart, WireFormatError> = payload.withUnsafeReadableBytes { raw in
            Result { () throws(WireFormatError) in
                let reader = WireReader(base: raw)
                var start = CallStart(method: "")
                var position = 0
                while position < raw.count {
                    let tagOffset = position
                    let (number, wireType) = try reader.readTag(&position, end: raw.count)
                    switch (number, wireType) {
                    case (1, .lengthDelimited):
                        start.method = try reader.readString(&position, end: raw.count, field: 1)
                    case (2, .lengthDelimited):
                        let range = try reader.readLengthDelimited(&position, end: raw.count, field: 2)
                        start.metadata.append(try readEntry(reader, range))
                    case (3, .varint):
                        start.timeoutMicros = try reader.readVarint(&position, end: raw.count, field: 3)
                    case (1...3, _):
                        throw WireFormatError(code: .wrongWireType, offset: tagOffset, fieldNumber: number, fieldPath: [number], detail: "")
                    default:
                        try reader.skipValue(wireType, fieldNumber: number, tagOffset: tagOffset, &position, end: raw.count, depthLeft: ProtobufDecoder.defaultMaxDepth)
                    }
                }
                return start
            }
        }
        return try outcome.get()
    }

    private static func readEntry(_ reader: WireReader, _ range: Range<Int>) throws(WireFormatError) -> MetadataEntry {
        var entry = MetadataEntry(key: "", value: "")
        var position = range.lowerBound
        while position < range.upperBound {
            let tagOffset = position
            let (number, wireType) = try reader.readTag(&position, end: range.upperBound)
            switch (number, wireType) {
            case (1, .lengthDelimited):
                entry.key = try reader.readString(&position, end: range.upperBound, field: 1)
            case (2, .lengthDelimited):
                entry.value = try reader.readString(&position, end: range.upperBound, field: 2)
            case (3, .lengthDelimited):
                let bytes = try reader.readLengthDelimited(&position, end: range.upperBound, field: 3)
                entry.binaryValue = Data(reader.base[bytes])
            case (1...3, _):
                throw WireFormatError(code: .wrongWireType, offset: tagOffset, fieldNumber: number, fieldPath: [2, number], detail: "")
            default:
                try reader.skipValue(wireType, fieldNumber: number, tagOffset: tagOffset, &position, end: range.upperBound, depthLeft: ProtobufDecoder.defaultMaxDepth - 1)
            }
        }
        return entry
    }
}

extension WireReader {
    /// A length-delimited field as UTF-8 text, rejecting invalid UTF-8.
    func readString(_ position: inout Int, end: Int, field: Int) throws(WireFormatError) -> String {
        let start = position
        let range = try readLengthDelimited(&position, end: end, field: field)
        guard let text = String(validating: UnsafeRawBufferPointer(rebasing: base[range]), as: UTF8.self) else {
            throw WireFormatError(code: .invalidUTF8, offset: start, fieldNumber: field, fieldPath: [field], detail: "")
        }
        return text
    }
}

extension ByteBuffer {
    /// Appends a protobuf varint.
    @inlinable
    public mutating func writeProtobufVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        writeInteger(UInt8(value))
    }

    /// Appends a string field (tag, length, UTF-8), or nothing when it is empty.
    mutating func writeProtobufString(_ text: String, field: Int) {
        guard !text.isEmpty else { return }
        writeInteger(UInt8(field << 3 | 2))
        writeProtobufVarint(UInt64(text.utf8.count))
        writeString(text)
    }

    static func varintSize(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }
}
