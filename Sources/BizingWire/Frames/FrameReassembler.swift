public import NIOCore

/// Turns the byte buffers a connection reads into its preface and frames,
/// inside the connection's own handler. (NIO's `ByteToMessageHandler` does
/// the same as a separate pipeline stage, but boxes every frame into an
/// existential and casts it back in the next handler: two frames a call,
/// on both sides, for nothing.)
///
/// A read that holds only whole frames is sliced in place; bytes are copied
/// only to join a frame split across reads.
public struct FrameReassembler {
    private var decoder: FrameDecoder
    private var pending = ByteBuffer()

    public init(maxFrameSize: Int = WireLimits.defaultMaxFrameSize, expectPreface: Bool = true) {
        decoder = FrameDecoder(maxFrameSize: maxFrameSize, expectPreface: expectPreface)
    }

    /// Bytes of an unfinished frame waiting for the next read.
    public var bufferedBytes: Int { pending.readableBytes }

    /// Adds a read's bytes.
    public mutating func append(_ bytes: ByteBuffer) {
        if pending.readableBytes == 0 {
            pending = bytes
        } else {
            pending.writeImmutableBuffer(bytes)
        }
    }

    /// The next complete preface or frame, or nil until more bytes arrive.
    /// Throws `FrameError` for a frame over the size limit or a bad preface.
    public mutating func next() throws -> WireInbound? {
        guard pending.readableBytes > 0 else { return nil }
        guard let inbound = try decoder.decode(buffer: &pending) else {
            // Keep only the unfinished frame: drop what was read before it.
            if pending.readerIndex > 0 { pending.discardReadBytes() }
            return nil
        }
        return inbound
    }
}
