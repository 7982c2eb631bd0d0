import struct Foundation.Date

// The floor: what a code generator could emit for `Booking` with no Codable
// machinery at all. It writes the same bytes as `ProtobufEncoder` (same field
// order, same proto3 default elision, same one-byte length placeholder for
// nested messages) into a caller-owned buffer through a raw pointer, and
// parses them back with a field-switch loop that checks every bound and
// validates UTF-8, as a real parser must.

enum FloorError: Error {
    case bufferTooSmall
    case truncated
    case varintTooLong
    case lengthOutOfBounds
    case invalidTag
    case wrongWireType(field: Int)
    case invalidUTF8
    case valueOutOfRange
}

// MARK: - Writing

/// Appends protobuf primitives at a raw pointer. The buffer is preallocated
/// by the caller; every write checks the room it needs once.
struct FloorWriter {
    let start: UnsafeMutablePointer<UInt8>
    let limit: Int
    var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        start = buffer.baseAddress!
        limit = buffer.count
    }

    @inline(__always)
    mutating func ensure(_ extra: Int) throws(FloorError) {
        guard limit &- count >= extra else { throw .bufferTooSmall }
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) throws(FloorError) {
        try ensure(10)
        var v = value
        var p = count
        while v >= 0x80 {
            start[p] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            p &+= 1
        }
        start[p] = UInt8(truncatingIfNeeded: v)
        count = p &+ 1
    }

    @inline(__always)
    mutating func tag(_ field: Int, _ wireType: UInt8) throws(FloorError) {
        try varint(UInt64(field) << 3 | UInt64(wireType))
    }

    @inline(__always)
    mutating func string(_ field: Int, _ value: String) throws(FloorError) {
        var value = value
        let length = value.utf8.count  // O(1) for native strings
        try tag(field, 2)
        try varint(UInt64(length))
        try ensure(length)
        let destination = start + count
        value.withUTF8 { utf8 in
            if let source = utf8.baseAddress { destination.update(from: source, count: utf8.count) }
        }
        count &+= length
    }

    /// proto3 implicit presence: an empty string is not written.
    @inline(__always)
    mutating func implicitString(_ field: Int, _ value: String) throws(FloorError) {
        if !value.isEmpty { try string(field, value) }
    }

    @inline(__always)
    mutating func implicitInt32(_ field: Int, _ value: Int32) throws(FloorError) {
        if value != 0 {
            try tag(field, 0)
            try varint(UInt64(bitPattern: Int64(value)))
        }
    }

    @inline(__always)
    mutating func implicitInt64(_ field: Int, _ value: Int64) throws(FloorError) {
        if value != 0 {
            try tag(field, 0)
            try varint(UInt64(bitPattern: value))
        }
    }

    @inline(__always)
    mutating func implicitBool(_ field: Int, _ value: Bool) throws(FloorError) {
        if value {
            try tag(field, 0)
            try ensure(1)
            start[count] = 1
            count &+= 1
        }
    }

    /// Writes the tag and a one-byte length placeholder; returns where the body starts.
    @inline(__always)
    mutating func beginMessage(_ field: Int) throws(FloorError) -> Int {
        try tag(field, 2)
        try ensure(1)
        count &+= 1
        return count
    }

    /// Patches the placeholder; a body of 128 bytes or more is shifted right.
    @inline(__always)
    mutating func endMessage(_ bodyStart: Int) throws(FloorError) {
        let length = count &- bodyStart
        if length < 0x80 {
            start[bodyStart &- 1] = UInt8(truncatingIfNeeded: length)
            return
        }
        var size = 1
        var v = UInt64(length) >> 7
        while v != 0 { size &+= 1; v >>= 7 }
        let extra = size &- 1
        try ensure(extra)
        (start + bodyStart + extra).update(from: start + bodyStart, count: length)
        var p = bodyStart &- 1
        v = UInt64(length)
        while v >= 0x80 {
            start[p] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            p &+= 1
        }
        start[p] = UInt8(truncatingIfNeeded: v)
        count &+= extra
    }

    /// `google.protobuf.Timestamp`, converted exactly as the coder does.
    @inline(__always)
    mutating func timestamp(_ field: Int, _ date: Date) throws(FloorError) {
        let t = date.timeIntervalSince1970
        guard t.isFinite, t >= -62_135_596_800, t < 253_402_300_800 else { throw .valueOutOfRange }
        var seconds = t.rounded(.down)
        var nanos = ((t - seconds) * 1e9).rounded()
        if nanos >= 1e9 {
            seconds += 1
            nanos -= 1e9
        }
        let body = try beginMessage(field)
        try implicitInt64(1, Int64(seconds))
        try implicitInt32(2, Int32(nanos))
        try endMessage(body)
    }

    @inline(__always)
    mutating func money(_ field: Int, _ money: Money) throws(FloorError) {
        let body = try beginMessage(field)
        try implicitInt64(1, money.amountMinor)
        try implicitString(2, money.currency)
        try endMessage(body)
    }

    mutating func participant(_ field: Int, _ p: Participant) throws(FloorError) {
        let body = try beginMessage(field)
        try implicitString(1, p.id)
        try implicitString(2, p.name)
        try implicitString(3, p.email)
        try implicitString(4, p.phone)
        try implicitInt32(5, p.role.protobufValue)
        try implicitInt32(6, p.status.protobufValue)
        if let checkedInAt = p.checkedInAt { try timestamp(7, checkedInAt) }
        try endMessage(body)
    }

    mutating func booking(_ b: Booking) throws(FloorError) {
        try implicitString(1, b.id)
        try implicitString(2, b.organizationId)
        try implicitString(3, b.locationId)
        try implicitString(4, b.serviceTemplateId)
        try implicitInt32(5, b.status.protobufValue)
        try timestamp(6, b.startsAt)
        try timestamp(7, b.endsAt)
        try implicitString(8, b.timeZone)
        try implicitInt32(9, b.durationMinutes)
        try implicitString(10, b.bookedById)
        if let householdId = b.householdId { try string(11, householdId) }
        for participant in b.participants { try self.participant(12, participant) }
        try money(13, b.price)
        try money(14, b.total)
        if let deposit = b.deposit { try money(15, deposit) }
        try implicitInt32(16, b.participantCount)
        try implicitInt32(17, b.maxParticipants)
        try implicitInt32(18, b.source.protobufValue)
        try implicitBool(19, b.isWalkIn)
        try implicitString(20, b.notes)
        try timestamp(21, b.createdAt)
        try timestamp(22, b.updatedAt)
        for tag in b.tags { try string(23, tag) }
    }
}

/// Encodes `booking` into `buffer`; returns the number of bytes written.
@inline(never)
func floorEncode(_ booking: Booking, into buffer: UnsafeMutableBufferPointer<UInt8>) throws(FloorError) -> Int {
    var writer = FloorWriter(buffer)
    try writer.booking(booking)
    return writer.count
}

// MARK: - Parsing

/// Bounds-checked reads from `base[position ..< end]`.
struct FloorReader {
    let base: UnsafePointer<UInt8>
    var position: Int
    let end: Int

    @inline(__always)
    var isAtEnd: Bool { position >= end }

    @inline(__always)
    mutating func varint() throws(FloorError) -> UInt64 {
        guard position < end else { throw .truncated }
        let first = base[position]
        if first < 0x80 {
            position &+= 1
            return UInt64(first)
        }
        return try varintSlow()
    }

    mutating func varintSlow() throws(FloorError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var p = position
        while true {
            guard p < end else { throw .truncated }
            let b = base[p]
            p &+= 1
            if shift == 63 && b > 1 { throw .varintTooLong }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift &+= 7
        }
        position = p
        return result
    }

    /// A tag: field number (1 ... 2^29-1) and wire type.
    @inline(__always)
    mutating func tag() throws(FloorError) -> (field: Int, wireType: UInt8) {
        let key = try varint()
        let field = key >> 3
        guard field >= 1, field < 1 << 29 else { throw .invalidTag }
        return (Int(field), UInt8(truncatingIfNeeded: key & 7))
    }

    /// A length prefix; returns the payload's range and moves past it.
    @inline(__always)
    mutating func lengthDelimited() throws(FloorError) -> Range<Int> {
        let length = try varint()
        guard length <= UInt64(end &- position) else { throw .lengthOutOfBounds }
        let start = position
        position &+= Int(length)
        return start..<position
    }

    /// Validates UTF-8 as a real parser must, with the same primitive the
    /// coder uses (`UTF8Span`, the fastest validation on this toolchain), so
    /// the floor is the best a hand-written parser can do.
    @inline(__always)
    mutating func string() throws(FloorError) -> String {
        let range = try lengthDelimited()
        let bytes = UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
        guard let span = try? UTF8Span(validating: bytes.span) else { throw .invalidUTF8 }
        return String(copying: span)
    }

    @inline(__always)
    func sub(_ range: Range<Int>) -> FloorReader {
        FloorReader(base: base, position: range.lowerBound, end: range.upperBound)
    }

    /// Skips an unknown field (groups are not used by Bizing; they are refused).
    mutating func skip(_ wireType: UInt8) throws(FloorError) {
        switch wireType {
        case 0: _ = try varint()
        case 1:
            guard end &- position >= 8 else { throw .truncated }
            position &+= 8
        case 2: _ = try lengthDelimited()
        case 5:
            guard end &- position >= 4 else { throw .truncated }
            position &+= 4
        default: throw .invalidTag
        }
    }

    @inline(__always)
    mutating func int32() throws(FloorError) -> Int32 { Int32(truncatingIfNeeded: try varint()) }

    @inline(__always)
    mutating func int64() throws(FloorError) -> Int64 { Int64(bitPattern: try varint()) }

    /// Reads a length-delimited `google.protobuf.Timestamp`, validating `nanos`.
    mutating func timestamp() throws(FloorError) -> Date {
        var seconds: Int64 = 0
        var nanos: Int32 = 0
        var r = sub(try lengthDelimited())
        while !r.isAtEnd {
            let (field, wireType) = try r.tag()
            switch (field, wireType) {
            case (1, 0): seconds = try r.int64()
            case (2, 0): nanos = try r.int32()
            case (1, _), (2, _): throw .wrongWireType(field: field)
            default: try r.skip(wireType)
            }
        }
        guard nanos >= 0, nanos < 1_000_000_000 else { throw .valueOutOfRange }
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9)
    }

    mutating func money(into money: inout Money) throws(FloorError) {
        var r = sub(try lengthDelimited())
        while !r.isAtEnd {
            let (field, wireType) = try r.tag()
            switch (field, wireType) {
            case (1, 0): money.amountMinor = try r.int64()
            case (2, 2): money.currency = try r.string()
            case (1, _), (2, _): throw .wrongWireType(field: field)
            default: try r.skip(wireType)
            }
        }
    }

    mutating func participant() throws(FloorError) -> Participant {
        var p = Participant()
        var r = sub(try lengthDelimited())
        while !r.isAtEnd {
            let (field, wireType) = try r.tag()
            switch (field, wireType) {
            case (1, 2): p.id = try r.string()
            case (2, 2): p.name = try r.string()
            case (3, 2): p.email = try r.string()
            case (4, 2): p.phone = try r.string()
            case (5, 0): p.role = ParticipantRole(protobufValue: try r.int32())
            case (6, 0): p.status = ParticipantStatus(protobufValue: try r.int32())
            case (7, 2): p.checkedInAt = try r.timestamp()
            case (1...7, _): throw .wrongWireType(field: field)
            default: try r.skip(wireType)
            }
        }
        return p
    }

    mutating func booking() throws(FloorError) -> Booking {
        var b = Booking()
        while !isAtEnd {
            let (field, wireType) = try tag()
            switch (field, wireType) {
            case (1, 2): b.id = try string()
            case (2, 2): b.organizationId = try string()
            case (3, 2): b.locationId = try string()
            case (4, 2): b.serviceTemplateId = try string()
            case (5, 0): b.status = BookingStatus(protobufValue: try int32())
            case (6, 2): b.startsAt = try timestamp()
            case (7, 2): b.endsAt = try timestamp()
            case (8, 2): b.timeZone = try string()
            case (9, 0): b.durationMinutes = try int32()
            case (10, 2): b.bookedById = try string()
            case (11, 2): b.householdId = try string()
            case (12, 2): b.participants.append(try participant())
            case (13, 2): try money(into: &b.price)
            case (14, 2): try money(into: &b.total)
            case (15, 2):
                var deposit = b.deposit ?? Money()
                try money(into: &deposit)
                b.deposit = deposit
            case (16, 0): b.participantCount = try int32()
            case (17, 0): b.maxParticipants = try int32()
            case (18, 0): b.source = BookingSource(protobufValue: try int32())
            case (19, 0): b.isWalkIn = try varint() != 0
            case (20, 2): b.notes = try string()
            case (21, 2): b.createdAt = try timestamp()
            case (22, 2): b.updatedAt = try timestamp()
            case (23, 2): b.tags.append(try string())
            case (1...23, _): throw .wrongWireType(field: field)
            default: try skip(wireType)
            }
        }
        return b
    }
}

@inline(never)
func floorDecode(_ bytes: UnsafeBufferPointer<UInt8>) throws(FloorError) -> Booking {
    var reader = FloorReader(base: bytes.baseAddress!, position: 0, end: bytes.count)
    return try reader.booking()
}
