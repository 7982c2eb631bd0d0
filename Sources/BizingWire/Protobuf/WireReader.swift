/// Bounds-checked reads of protobuf primitives from a byte range.
///
/// Every read checks against `end` before touching memory; nothing here can
/// read past the buffer or trap on hostile input.
struct WireReader {
    let base: UnsafeRawBufferPointer

    @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        base.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// Reads a varint at `position`, advancing it. `field` is only used for errors.
    @inline(__always)
    func readVarint(_ position: inout Int, end: Int, field: Int?) throws(WireFormatError) -> UInt64 {
        let p = position
        if p < end {
            let first = byte(at: p)
            if first < 0x80 {
                position = p &+ 1
                return UInt64(first)
            }
        }
        return try readVarintSlow(&position, end: end, field: field)
    }

    private func readVarintSlow(_ position: inout Int, end: Int, field: Int?) throws(WireFormatError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var p = start
        while true {
            guard p < end else {
                throw WireFormatError(code: .truncated, offset: start, fieldNumber: field, detail: "varint runs past the end")
            }
            let b = byte(at: p)
            p += 1
            if shift == 63 {
                // The tenth byte may only carry the top bit.
                if b & 0x80 != 0 {
                    throw WireFormatError(code: .varintTooLong, offset: start, fieldNumber: field, detail: "")
                }
                if b > 1 {
                    throw WireFormatError(code: .varintOverflow, offset: start, fieldNumber: field, detail: "")
                }
            }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        position = p
        return result
    }

    @inline(__always)
    func readFixed32(_ position: inout Int, end: Int, field: Int?) throws(WireFormatError) -> UInt32 {
        guard end &- position >= 4 else {
            throw WireFormatError(code: .truncated, offset: position, fieldNumber: field, detail: "fixed32 needs 4 bytes")
        }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position &+= 4
        return UInt32(littleEndian: v)
    }

    @inline(__always)
    func readFixed64(_ position: inout Int, end: Int, field: Int?) throws(WireFormatError) -> UInt64 {
        guard end &- position >= 8 else {
            throw WireFormatError(code: .truncated, offset: position, fieldNumber: field, detail: "fixed64 needs 8 bytes")
        }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position &+= 8
        return UInt64(littleEndian: v)
    }

    /// Reads a length prefix and returns the range of the value it announces.
    @inline(__always)
    func readLengthDelimited(_ position: inout Int, end: Int, field: Int?) throws(WireFormatError) -> Range<Int> {
        let lengthOffset = position
        let length = try readVarint(&position, end: end, field: field)
        guard length <= UInt64(end &- position) else {
            throw WireFormatError(
                code: .lengthOutOfBounds, offset: lengthOffset, fieldNumber: field,
                detail: "length \(length) with \(end - position) bytes left")
        }
        let start = position
        position &+= Int(length)
        return start..<position
    }

    /// Skips one value of the given wire type; groups are skipped to their end
    /// tag, with `depthLeft` bounding how deeply they may nest. `tagOffset` is
    /// where the value's tag starts, for errors about the tag itself.
    func skipValue(
        _ wireType: WireType, fieldNumber: Int, tagOffset: Int, _ position: inout Int, end: Int, depthLeft: Int
    ) throws(WireFormatError) {
        switch wireType {
        case .varint: _ = try readVarint(&position, end: end, field: fieldNumber)
        case .fixed64: _ = try readFixed64(&position, end: end, field: fieldNumber)
        case .fixed32: _ = try readFixed32(&position, end: end, field: fieldNumber)
        case .lengthDelimited: _ = try readLengthDelimited(&position, end: end, field: fieldNumber)
        case .startGroup:
            guard depthLeft > 0 else {
                throw WireFormatError(code: .nestingTooDeep, offset: tagOffset, fieldNumber: fieldNumber, detail: "groups nest too deeply")
            }
            while true {
                let innerTagOffset = position
                let (number, type) = try readTag(&position, end: end)
                if type == .endGroup {
                    guard number == fieldNumber else {
                        throw WireFormatError(
                            code: .unmatchedEndGroup, offset: innerTagOffset, fieldNumber: number,
                            detail: "group \(fieldNumber) closed by end tag \(number)")
                    }
                    return
                }
                try skipValue(type, fieldNumber: number, tagOffset: innerTagOffset, &position, end: end, depthLeft: depthLeft - 1)
            }
        case .endGroup:
            throw WireFormatError(code: .unmatchedEndGroup, offset: tagOffset, fieldNumber: fieldNumber, detail: "end group without a start")
        }
    }

    /// Reads a field tag: a field number in 1 ... 2^29-1 and a known wire type.
    @inline(__always)
    func readTag(_ position: inout Int, end: Int) throws(WireFormatError) -> (Int, WireType) {
        let tagOffset = position
        let key = try readVarint(&position, end: end, field: nil)
        let number = key >> 3
        guard number >= 1, number <= UInt64(maxFieldNumber) else {
            throw WireFormatError(code: .invalidFieldNumber, offset: tagOffset, fieldNumber: nil, detail: "field number \(number)")
        }
        guard let type = WireType(rawValue: UInt8(key & 7)) else {
            throw WireFormatError(
                code: .invalidWireType, offset: tagOffset, fieldNumber: Int(number), detail: "wire type \(key & 7)")
        }
        return (Int(number), type)
    }
}
