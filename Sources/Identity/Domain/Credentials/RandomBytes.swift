/// Bytes from an injected generator: `SystemRandomNumberGenerator` (the
/// kernel's CSPRNG, `getrandom` on Linux) in production, a seeded one in tests.
enum RandomBytes {
    static func make(count: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next().littleEndian) { bytes.append(contentsOf: $0) }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }
}
