public import NIOCore

/// What arrives on a connection: the peer's preface once, then frames.
public enum WireInbound: Hashable, Sendable {
    case preface(ConnectionPreface)
    case frame(Frame)
}

/// Splits a byte stream into the preface and frames.
///
/// Checks a frame's announced length against `maxFrameSize` before waiting
/// for or allocating its payload, and consumes nothing until a whole frame is
/// there, so input split at any byte decodes the same.
public struct FrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = WireInbound

    public let maxFrameSize: Int
    private var expectingPreface: Bool

    /// - Parameters:
    ///   - maxFrameSize: the largest payload accepted (default 4 MiB).
    ///   - expectPreface: whether the stream starts with a `ConnectionPreface`.
    public init(maxFrameSize: Int = WireLimits.defaultMaxFrameSize, expectPreface: Bool = true) {
        self.maxFrameSize = maxFrameSize
        self.expectingPreface = expectPreface
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> WireInbound? {
        if expectingPreface {
            guard let preface = try ConnectionPreface.read(from: &buffer) else { return nil }
            expectingPreface = false
            return .preface(preface)
        }
        return try Self.readFrame(from: &buffer, maxFrameSize: maxFrameSize).map(WireInbound.frame)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> WireInbound? {
        if let inbound = try decode(buffer: &buffer) { return inbound }
        if seenEOF && buffer.readableBytes > 0 {
            throw FrameError(.truncatedFrame, "connection closed inside a frame (\(buffer.readableBytes) bytes left)")
        }
        return nil
    }

    /// Reads one frame if it is complete; returns nil, consuming nothing, if not.
    public static func readFrame(from buffer: inout ByteBuffer, maxFrameSize: Int) throws(FrameError) -> Frame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard UInt64(length) <= UInt64(maxFrameSize) else {
            throw FrameError(.frameTooLarge, "frame of \(length) bytes exceeds the \(maxFrameSize)-byte limit")
        }
        guard buffer.readableBytes >= Frame.headerSize + Int(length) else { return nil }
        let start = buffer.readerIndex
        let type = buffer.getInteger(at: start + 4, as: UInt8.self)!
        let flags = buffer.getInteger(at: start + 5, as: UInt8.self)!
        let callID = buffer.getInteger(at: start + 6, as: UInt32.self)!
        let payload = buffer.getSlice(at: start + Frame.headerSize, length: Int(length))!
        buffer.moveReaderIndex(forwardBy: Frame.headerSize + Int(length))
        return Frame(type: FrameType(rawValue: type), flags: FrameFlags(rawValue: flags), callID: callID, payload: payload)
    }
}

/// Writes outbound frames (and the preface, which is written by hand once).
public struct FrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = Frame

    public init() {}

    public func encode(data: Frame, out: inout ByteBuffer) throws {
        data.write(to: &out)
    }
}
