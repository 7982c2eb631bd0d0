public import NIOCore
import CZlib

/// Per-message zlib compression (RFC 1950 streams), with inflation bounded
/// while it runs: by an absolute cap and by a ratio to the compressed size.
public enum MessageCompression {
    /// The decompression bounds. The ratio cap stops zip bombs early; the
    /// floor keeps small, very compressible messages legal.
    public struct Limits: Hashable, Sendable {
        public var maxDecompressedBytes: Int
        public var maxRatio: Int
        public var ratioFloorBytes: Int

        public init(maxDecompressedBytes: Int = 4 << 20, maxRatio: Int = 200, ratioFloorBytes: Int = 64 << 10) {
            self.maxDecompressedBytes = maxDecompressedBytes
            self.maxRatio = maxRatio
            self.ratioFloorBytes = ratioFloorBytes
        }

        /// The most bytes a message compressed to `compressedSize` may inflate to.
        public func cap(forCompressedSize compressedSize: Int) -> Int {
            let (byRatio, overflow) = compressedSize.multipliedReportingOverflow(by: maxRatio)
            // One below Int.max: inflation offers cap + 1 bytes to see an overrun.
            return min(maxDecompressedBytes, max(ratioFloorBytes, overflow ? .max : byRatio), Int.max - 1)
        }
    }

    /// Compresses `input` into a new buffer.
    public static func compress(_ input: ByteBuffer, level: Int32 = 6, allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(RPCStatus) -> ByteBuffer {
        let stream = try ZStream(start: { czlib_deflate_init($0, level) }, end: { deflateEnd($0) })
        var output = allocator.buffer(capacity: Int(deflateBound(stream.state, UInt(input.readableBytes))) + 16)
        var status: Int32 = Z_OK
        input.withUnsafeReadableBytes { source in
            stream.state.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.state.pointee.avail_in = uInt(source.count)
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { target in
                stream.state.pointee.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.state.pointee.avail_out = uInt(target.count)
                status = deflate(stream.state, Z_FINISH)
                return target.count - Int(stream.state.pointee.avail_out)
            }
        }
        guard status == Z_STREAM_END else {
            throw RPCStatus(.internal, "zlib could not finish compressing")
        }
        return output
    }

    /// Decompresses one complete zlib stream. Fails with RESOURCE_EXHAUSTED
    /// as soon as the output would pass the limit, and with INTERNAL (gRPC's
    /// code for a message that cannot be decompressed) for corrupt,
    /// truncated or trailing input.
    public static func decompress(
        _ input: ByteBuffer, limits: Limits = Limits(), allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(RPCStatus) -> ByteBuffer {
        let cap = limits.cap(forCompressedSize: input.readableBytes)
        let stream = try ZStream(start: czlib_inflate_init, end: { inflateEnd($0) })
        var output = allocator.buffer(capacity: min(cap, max(4096, input.readableBytes * 4)))
        let result: Result<Void, RPCStatus> = input.withUnsafeReadableBytes { source in
            stream.state.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.state.pointee.avail_in = uInt(source.count)
            while true {
                // Offer at most one byte past the cap, so overrunning it is seen
                // without ever holding more than cap + 1 bytes.
                let room = cap + 1 - output.readableBytes
                if room <= 0 {
                    return .failure(RPCStatus(.resourceExhausted, "compressed message inflates past \(cap) bytes"))
                }
                if output.writableBytes == 0 {
                    output.reserveCapacity(min(cap + 1, max(output.capacity * 2, 4096)))
                }
                var status: Int32 = Z_OK
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: 0) { target in
                    let offered = min(target.count, room)
                    stream.state.pointee.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.state.pointee.avail_out = uInt(offered)
                    status = inflate(stream.state, Z_NO_FLUSH)
                    return offered - Int(stream.state.pointee.avail_out)
                }
                switch status {
                case Z_STREAM_END:
                    if output.readableBytes > cap {
                        return .failure(RPCStatus(.resourceExhausted, "compressed message inflates past \(cap) bytes"))
                    }
                    if stream.state.pointee.avail_in != 0 {
                        return .failure(RPCStatus(.internal, "compressed message has trailing bytes"))
                    }
                    return .success(())
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.state.pointee.avail_in == 0:
                    return .failure(RPCStatus(.internal, "compressed message is truncated"))
                case Z_BUF_ERROR:
                    continue  // needs more output room; the loop grows it
                default:
                    return .failure(RPCStatus(.internal, "compressed message is corrupt"))
                }
            }
        }
        try result.get()
        return output
    }
}

/// A z_stream at a fixed address (zlib keeps pointers into it), ended and
/// freed with its owner.
private final class ZStream {
    let state: UnsafeMutablePointer<z_stream>
    private let end: (UnsafeMutablePointer<z_stream>) -> Int32

    init(
        start: (UnsafeMutablePointer<z_stream>) -> Int32, end: @escaping (UnsafeMutablePointer<z_stream>) -> Int32
    ) throws(RPCStatus) {
        state = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        state.initialize(to: z_stream())
        self.end = end
        // Fully initialized, so a throw here still runs deinit (and zlib's
        // end on a stream that never started is a harmless no-op).
        guard start(state) == Z_OK else {
            throw RPCStatus(.internal, "zlib could not start")
        }
    }

    deinit {
        _ = end(state)
        state.deinitialize(count: 1)
        state.deallocate()
    }
}
