import Testing
import NIOCore
import NIOEmbedded
import NIOTestUtils
@testable import BizingWire

/// A stream of every kind of frame after a preface, and the frames it holds.
private func sampleStream() throws -> (ByteBuffer, [WireInbound]) {
    var payload = ByteBuffer()
    payload.writeBytes(Array(repeating: 0xAB, count: 300))
    let frames: [Frame] = [
        try .control(.settings, Settings(maxFrameSize: 1 << 20, acceptCompression: ["zlib"])),
        try .control(.callStart, callID: 1, CallStart(method: "bizing.system.v1.System/Ping", timeoutMicros: 1_000_000)),
        Frame(type: .message, flags: .endStream, callID: 1),
        Frame(type: .message, flags: [.compressed], callID: 3, payload: payload),
        Frame(type: .ping, callID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])),
        try .control(.windowUpdate, callID: 3, WindowUpdate(increment: 16)),
        try .control(.cancel, callID: 3, Cancel(reason: "user left")),
        Frame(type: FrameType(rawValue: 0x42), flags: FrameFlags(rawValue: 0xFF), callID: 9, payload: ByteBuffer(bytes: [9])),
        try .control(.goAway, GoAway(lastCallID: 3, code: .unavailable, reason: "shutting down")),
    ]
    var stream = ByteBuffer()
    ConnectionPreface().write(to: &stream)
    for frame in frames { frame.write(to: &stream) }
    return (stream, [.preface(ConnectionPreface())] + frames.map(WireInbound.frame))
}

/// Feeds `chunks` one after another, the way a socket delivers them.
private func decodeAll(_ chunks: [ByteBuffer], maxFrameSize: Int = WireLimits.defaultMaxFrameSize) throws -> [WireInbound] {
    var decoder = FrameDecoder(maxFrameSize: maxFrameSize)
    var pending = ByteBuffer()
    var out: [WireInbound] = []
    for var chunk in chunks {
        pending.writeBuffer(&chunk)
        while let inbound = try decoder.decode(buffer: &pending) { out.append(inbound) }
    }
    if let last = try decoder.decodeLast(buffer: &pending, seenEOF: true) { out.append(last) }
    return out
}

@Suite struct FrameDecoderTests {
    @Test func decodesAStreamSplitAtEveryByte() throws {
        let (stream, expected) = try sampleStream()
        for split in 0...stream.readableBytes {
            let first = stream.getSlice(at: 0, length: split)!
            let second = stream.getSlice(at: split, length: stream.readableBytes - split)!
            #expect(try decodeAll([first, second]) == expected, "split at byte \(split)")
        }
    }

    @Test func decodesAStreamDeliveredOneByteAtATime() throws {
        let (stream, expected) = try sampleStream()
        let bytes = stream.readableBytesView.map { ByteBuffer(bytes: [$0]) }
        #expect(try decodeAll(bytes) == expected)
    }

    @Test func passesNIOsDecoderVerifier() throws {
        // The verifier may feed one decoder several inputs; a preface comes
        // only once per connection, so it checks frames alone.
        var (stream, expected) = try sampleStream()
        stream.moveReaderIndex(forwardBy: ConnectionPreface.size)
        expected.removeFirst()
        let pairs = [(stream, expected)]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            FrameDecoder(expectPreface: false)
        }
    }

    @Test func refusesAnOversizedFrameBeforeItsPayloadArrives() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(64 * 1024 + 1))
        buffer.writeInteger(FrameType.message.rawValue)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(1))
        // Only the header is here: the limit is checked before waiting for the payload.
        let error = #expect(throws: FrameError.self) {
            _ = try FrameDecoder.readFrame(from: &buffer, maxFrameSize: 64 * 1024)
        }
        #expect(error?.code == .frameTooLarge)
        #expect(error?.statusCode == .resourceExhausted)
    }

    @Test func acceptsAFrameExactlyAtTheLimit() throws {
        var buffer = ByteBuffer()
        Frame(type: .message, callID: 1, payload: ByteBuffer(repeating: 7, count: 1024)).write(to: &buffer)
        let frame = try #require(try FrameDecoder.readFrame(from: &buffer, maxFrameSize: 1024))
        #expect(frame.payload.readableBytes == 1024)
        #expect(buffer.readableBytes == 0)
    }

    @Test func consumesNothingUntilAFrameIsWhole() throws {
        var full = ByteBuffer()
        Frame(type: .message, callID: 5, payload: ByteBuffer(repeating: 1, count: 50)).write(to: &full)
        for length in 0..<full.readableBytes {
            var partial = full.getSlice(at: 0, length: length)!
            #expect(try FrameDecoder.readFrame(from: &partial, maxFrameSize: 100) == nil)
            #expect(partial.readerIndex == 0)
        }
    }

    @Test func rejectsABadPrefaceAtItsFirstWrongByte() throws {
        var decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: Array("BIZ".utf8))
        #expect(try decoder.decode(buffer: &buffer) == nil)
        buffer.writeBytes(Array("X".utf8))
        let error = #expect(throws: FrameError.self) { _ = try decoder.decode(buffer: &buffer) }
        #expect(error?.code == .badPreface)
        var http = ByteBuffer(string: "GET / HTTP/1.1\r\n")
        var fresh = FrameDecoder()
        #expect(throws: FrameError.self) { _ = try fresh.decode(buffer: &http) }
    }

    @Test func reportsTheVersionThePeerSpeaks() throws {
        var buffer = ByteBuffer()
        ConnectionPreface(version: 7).write(to: &buffer)
        var decoder = FrameDecoder()
        #expect(try decoder.decode(buffer: &buffer) == .preface(ConnectionPreface(version: 7)))
    }

    @Test func reportsAConnectionClosedInsideAFrame() throws {
        var decoder = FrameDecoder(expectPreface: false)
        var buffer = ByteBuffer()
        Frame(type: .message, callID: 1, payload: ByteBuffer(repeating: 0, count: 10)).write(to: &buffer)
        buffer.moveWriterIndex(to: buffer.writerIndex - 3)
        #expect(try decoder.decode(buffer: &buffer) == nil)
        let error = #expect(throws: FrameError.self) { _ = try decoder.decodeLast(buffer: &buffer, seenEOF: true) }
        #expect(error?.code == .truncatedFrame)
    }

    @Test func worksInsideAChannelPipeline() throws {
        let channel = EmbeddedChannel(handlers: [ByteToMessageHandler(FrameDecoder()), MessageToByteHandler(FrameEncoder())])
        let (stream, expected) = try sampleStream()
        try channel.writeInbound(stream)
        var received: [WireInbound] = []
        while let inbound = try channel.readInbound(as: WireInbound.self) { received.append(inbound) }
        #expect(received == expected)
        let frame = Frame(type: .ping, flags: .ack, callID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8]))
        try channel.writeOutbound(frame)
        var written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(try FrameDecoder.readFrame(from: &written, maxFrameSize: 100) == frame)
        _ = try channel.finish()
    }
}
