/// A growable byte buffer that writes protobuf primitives.
///
/// A class with a raw allocation rather than `[UInt8]`: the encoder appends a
/// byte at a time, and an array's uniqueness and capacity checks on every
/// append cost more than the encoding itself.
final class WireWriter {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        self.base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    private func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    func writeByte(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count &+= 1
    }

    @inline(__always)
    func writeVarint(_ value: UInt64) {
        reserve(10)
        var v = value
        var p = count
        while v >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: p, as: UInt8.self)
            v >>= 7
            p &+= 1
        }
        base.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: p, as: UInt8.self)
        count = p &+ 1
    }

    @inline(__always)
    func writeTag(_ fieldNumber: Int, _ wireType: WireType) {
        writeVarint(UInt64(fieldNumber) << 3 | UInt64(wireType.rawValue))
    }

    @inline(__always)
    func writeFixed32(_ value: UInt32) {
        reserve(4)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt32.self)
        count &+= 4
    }

    @inline(__always)
    func writeFixed64(_ value: UInt64) {
        reserve(8)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt64.self)
        count &+= 8
    }

    func writeBytes(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count &+= bytes.count
    }

    /// Writes a length-delimited value whose length is known up front.
    func writeLengthDelimited(_ bytes: UnsafeRawBufferPointer) {
        writeVarint(UInt64(bytes.count))
        writeBytes(bytes)
    }

    func writeString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in writeLengthDelimited(UnsafeRawBufferPointer(utf8)) }
    }

    /// Starts a length-delimited value whose length is not known yet: leaves a
    /// one-byte placeholder and returns where the body starts.
    @inline(__always)
    func beginLengthDelimited() -> Int {
        writeByte(0)
        return count
    }

    /// Ends a value started by `beginLengthDelimited`. Most bodies are under
    /// 128 bytes and fit the placeholder; longer ones shift right once.
    func endLengthDelimited(bodyStart: Int) {
        let length = count - bodyStart
        if length < 0x80 {
            base.storeBytes(of: UInt8(length), toByteOffset: bodyStart - 1, as: UInt8.self)
            return
        }
        let extra = varintSize(UInt64(length)) - 1
        reserve(extra)
        (base + bodyStart + extra).copyMemory(from: base + bodyStart, byteCount: length)
        var v = UInt64(length)
        var p = bodyStart - 1
        while v >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: p, as: UInt8.self)
            v >>= 7
            p += 1
        }
        base.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: p, as: UInt8.self)
        count += extra
    }

    func toArray() -> [UInt8] { Array(bytes) }
}
