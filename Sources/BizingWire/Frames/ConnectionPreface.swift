public import NIOCore

/// The 8 bytes each side sends first: ASCII `BIZRPC`, the protocol's major
/// version, and a reserved zero byte.
public struct ConnectionPreface: Hashable, Sendable {
    public static let size = 8
    public static let magic: [UInt8] = Array("BIZRPC".utf8)
    public static let currentVersion: UInt8 = 1

    public var version: UInt8

    public init(version: UInt8 = ConnectionPreface.currentVersion) {
        self.version = version
    }

    public func write(to buffer: inout ByteBuffer) {
        buffer.writeBytes(Self.magic)
        buffer.writeInteger(version)
        buffer.writeInteger(UInt8(0))
    }

    /// Reads a preface if 8 bytes are there; returns nil, consuming nothing, if not.
    /// Throws as soon as the bytes seen cannot be a preface.
    public static func read(from buffer: inout ByteBuffer) throws(FrameError) -> ConnectionPreface? {
        let available = min(buffer.readableBytes, size)
        let seen = buffer.getBytes(at: buffer.readerIndex, length: available) ?? []
        for (index, byte) in seen.prefix(magic.count).enumerated() where byte != magic[index] {
            throw FrameError(.badPreface, "connection does not start with the BIZRPC preface")
        }
        guard available == size else { return nil }
        buffer.moveReaderIndex(forwardBy: size)
        return ConnectionPreface(version: seen[6])
    }
}
