import Testing
import NIOCore
@testable import BizingWire

@Suite struct CompressionTests {
    @Test func roundTripsMessagesOfManySizes() throws {
        for size in [0, 1, 100, 4096, 100_000] {
            var input = ByteBuffer()
            for i in 0..<size { input.writeInteger(UInt8(truncatingIfNeeded: i * 7 / 3)) }
            let compressed = try MessageCompression.compress(input)
            #expect(compressed.readableBytes > 0)
            #expect(try MessageCompression.decompress(compressed) == input)
        }
    }

    @Test func stopsAZipBombAtTheAbsoluteCapWhileInflating() throws {
        // 16 MiB of zeros compress to about 16 KiB.
        let bomb = try MessageCompression.compress(ByteBuffer(repeating: 0, count: 16 << 20))
        let limits = MessageCompression.Limits(maxDecompressedBytes: 4 << 20, maxRatio: 10_000, ratioFloorBytes: 0)
        let error = #expect(throws: RPCStatus.self) { _ = try MessageCompression.decompress(bomb, limits: limits) }
        #expect(error?.code == .resourceExhausted)
    }

    @Test func stopsAHighRatioMessageAtTheRatioCap() throws {
        // 1 MiB of zeros is about 1 KiB compressed: a 1000:1 ratio.
        let compressed = try MessageCompression.compress(ByteBuffer(repeating: 0, count: 1 << 20))
        let error = #expect(throws: RPCStatus.self) { _ = try MessageCompression.decompress(compressed) }
        #expect(error?.code == .resourceExhausted)
        // The same message is fine with a higher ratio allowed.
        let relaxed = MessageCompression.Limits(maxRatio: 5000)
        #expect(try MessageCompression.decompress(compressed, limits: relaxed).readableBytes == 1 << 20)
    }

    @Test func acceptsOutputExactlyAtTheCap() throws {
        let compressed = try MessageCompression.compress(ByteBuffer(repeating: 3, count: 5000))
        let limits = MessageCompression.Limits(maxDecompressedBytes: 5000, maxRatio: 1000, ratioFloorBytes: 0)
        #expect(try MessageCompression.decompress(compressed, limits: limits).readableBytes == 5000)
        let tight = MessageCompression.Limits(maxDecompressedBytes: 4999, maxRatio: 1000, ratioFloorBytes: 0)
        #expect(throws: RPCStatus.self) { _ = try MessageCompression.decompress(compressed, limits: tight) }
    }

    @Test func unboundedLimitsDoNotOverflow() throws {
        let compressed = try MessageCompression.compress(ByteBuffer(repeating: 9, count: 1000))
        let unbounded = MessageCompression.Limits(maxDecompressedBytes: .max, maxRatio: .max, ratioFloorBytes: .max)
        #expect(unbounded.cap(forCompressedSize: .max) == Int.max - 1)
        #expect(try MessageCompression.decompress(compressed, limits: unbounded).readableBytes == 1000)
    }

    @Test func smallMessagesAreAllowedUpToTheFloor() throws {
        let compressed = try MessageCompression.compress(ByteBuffer(repeating: 0, count: 60_000))
        #expect(compressed.readableBytes * 200 < 60_000)
        #expect(try MessageCompression.decompress(compressed).readableBytes == 60_000)
    }

    @Test func rejectsTruncatedTrailingAndCorruptStreams() throws {
        var input = ByteBuffer()
        for i in 0..<2000 { input.writeInteger(UInt16(i)) }
        let compressed = try MessageCompression.compress(input)
        for cut in [1, 2, 10, compressed.readableBytes / 2, compressed.readableBytes - 1] {
            let truncated = compressed.getSlice(at: 0, length: cut)!
            let error = #expect(throws: RPCStatus.self) { _ = try MessageCompression.decompress(truncated) }
            #expect(error?.code == .internal, "cut at \(cut)")
        }
        var trailing = compressed
        trailing.writeBytes([0, 1, 2])
        #expect(throws: RPCStatus.self) { _ = try MessageCompression.decompress(trailing) }
        var corrupt = compressed
        corrupt.setInteger(corrupt.getInteger(at: 20, as: UInt8.self)! ^ 0xFF, at: 20)
        #expect(throws: RPCStatus.self) { _ = try MessageCompression.decompress(corrupt) }
        #expect(throws: RPCStatus.self) { _ = try MessageCompression.decompress(ByteBuffer()) }
    }

    @Test func randomInputIsAnErrorNeverACrash() {
        var rng = WireTestRandom(seed: 42)
        for _ in 0..<2000 {
            let length = Int(rng.next() % 200)
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            // Random bytes almost never form a valid zlib stream; either outcome is fine, a crash is not.
            _ = try? MessageCompression.decompress(ByteBuffer(bytes: bytes))
        }
    }
}
