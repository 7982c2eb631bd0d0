import Testing
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
@testable import BizingRPC
import BizingWire

/// The half-frame read timeout, on an embedded channel whose clock the tests move.
@Suite struct FrameProgressWatchTests {
    let log = LogRecorder()

    /// A connected embedded channel with the watch (10 s) in front.
    func makeChannel(timeout: TimeAmount = .seconds(10)) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: FrameProgressWatch(timeout: timeout, logger: log.logger(level: .trace)))
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/watch.sock")).wait()
        return channel
    }

    var preface: ByteBuffer {
        var buffer = ByteBuffer()
        ConnectionPreface().write(to: &buffer)
        return buffer
    }

    func frame(payload: Int, callID: UInt32 = 1) -> ByteBuffer {
        var buffer = ByteBuffer()
        Frame(type: .message, callID: callID, payload: ByteBuffer(repeating: 7, count: payload)).write(to: &buffer)
        return buffer
    }

    func settings() throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try Frame.control(.settings, Settings(maxConcurrentCalls: 5)).write(to: &buffer)
        return buffer
    }

    func advance(_ channel: EmbeddedChannel, by amount: TimeAmount) {
        channel.embeddedEventLoop.advanceTime(by: amount)
    }

    @Test func halfAFrameIsClosedWhenTheTimeoutPasses() throws {
        let channel = try makeChannel()
        var opening = preface
        opening.writeImmutableBuffer(try settings())
        try channel.writeInbound(opening)
        var half = frame(payload: 100)
        try channel.writeInbound(half.readSlice(length: 60)!)
        advance(channel, by: .milliseconds(9_900))
        #expect(channel.isActive)
        advance(channel, by: .milliseconds(200))
        #expect(!channel.isActive)
        #expect(log.messages.contains { $0.contains("read timeout") && $0.contains("frame payload") })
    }

    @Test func halfAHeaderIsClosedToo() throws {
        let channel = try makeChannel()
        try channel.writeInbound(preface)
        var header = frame(payload: 0)
        try channel.writeInbound(header.readSlice(length: 3)!)
        advance(channel, by: .seconds(11))
        #expect(!channel.isActive)
        #expect(log.messages.contains { $0.contains("frame header") })
    }

    @Test func aConnectionMustSendItsPrefaceInTime() throws {
        let silent = try makeChannel()
        advance(silent, by: .seconds(11))
        #expect(!silent.isActive, "connected and said nothing")

        let partial = try makeChannel()
        var bytes = preface
        try partial.writeInbound(bytes.readSlice(length: 5)!)
        advance(partial, by: .seconds(11))
        #expect(!partial.isActive)
        #expect(log.messages.contains { $0.contains("its preface") })
    }

    @Test func aQuietConnectionBetweenFramesStaysOpen() throws {
        let channel = try makeChannel()
        try channel.writeInbound(preface)
        try channel.writeInbound(try settings())
        advance(channel, by: .hours(1))
        #expect(channel.isActive)
        // And again after a frame that arrived in pieces.
        var pieces = frame(payload: 50)
        try channel.writeInbound(pieces.readSlice(length: 7)!)
        advance(channel, by: .seconds(5))
        try channel.writeInbound(pieces)
        advance(channel, by: .hours(1))
        #expect(channel.isActive)
        #expect(log.messages.isEmpty)
    }

    @Test func aTrickleDoesNotExtendAFrame() throws {
        let channel = try makeChannel()
        try channel.writeInbound(preface)
        var slow = frame(payload: 20)
        for _ in 0..<3 {
            try channel.writeInbound(slow.readSlice(length: 4)!)
            advance(channel, by: .seconds(3))
        }
        #expect(channel.isActive)  // 9 s into the frame
        try channel.writeInbound(slow.readSlice(length: 4)!)
        advance(channel, by: .milliseconds(1_100))
        #expect(!channel.isActive)  // 10.1 s after its first byte, still not whole
    }

    @Test func eachNewFrameGetsItsOwnTime() throws {
        let channel = try makeChannel()
        try channel.writeInbound(preface)
        var first = frame(payload: 30, callID: 1)
        try channel.writeInbound(first.readSlice(length: 12)!)
        advance(channel, by: .seconds(8))
        // The first frame completes and a second one starts, in one read.
        var second = frame(payload: 30, callID: 3)
        var read = first
        read.writeImmutableBuffer(second.readSlice(length: 5)!)
        try channel.writeInbound(read)
        advance(channel, by: .seconds(8))  // 16 s since the first timer was armed, 8 s into the second frame
        #expect(channel.isActive)
        advance(channel, by: .milliseconds(2_100))
        #expect(!channel.isActive)
    }

    @Test func bytesPassThroughUncopied() throws {
        let channel = try makeChannel()
        var stream = preface
        stream.writeImmutableBuffer(try settings())
        stream.writeImmutableBuffer(frame(payload: 1000))
        let address = stream.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        try channel.writeInbound(stream)
        let out = try #require(try channel.readInbound(as: ByteBuffer.self))
        #expect(out == stream)
        #expect(out.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == address)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
    }

    /// However the stream is cut, the watch is at a boundary exactly where a
    /// preface or frame ends.
    @Test(arguments: [1, 2, 3, 7, 10, 11, 64, 1000])
    func followsBoundariesAcrossAnySplit(chunk: Int) throws {
        var stream = preface
        var ends: Set<Int> = [stream.readableBytes]
        stream.writeImmutableBuffer(try settings())
        ends.insert(stream.readableBytes)
        for (index, size) in [0, 1, 9, 10, 11, 300, 4096].enumerated() {
            stream.writeImmutableBuffer(frame(payload: size, callID: UInt32(2 * index + 1)))
            ends.insert(stream.readableBytes)
        }
        let watch = FrameProgressWatch(timeout: .seconds(1), logger: log.logger(level: .trace))
        var offset = 0
        var rest = stream
        while rest.readableBytes > 0 {
            let piece = rest.readSlice(length: min(chunk, rest.readableBytes))!
            let crossed = watch.advance(over: piece)
            let previous = offset
            offset += piece.readableBytes
            #expect((watch.position == .boundary) == ends.contains(offset), "at byte \(offset)")
            #expect(crossed == ends.contains { $0 > previous && $0 <= offset }, "at byte \(offset)")
        }
        #expect(watch.position == .boundary)
        // One more byte puts it inside a header.
        _ = watch.advance(over: ByteBuffer(bytes: [0]))
        #expect(watch.position == .header(seen: 1, length: 0))
    }

    @Test func aHugeAnnouncedLengthIsFollowedWithoutBuffering() throws {
        let watch = FrameProgressWatch(timeout: .seconds(1), logger: log.logger(level: .trace))
        _ = watch.advance(over: preface)
        var header = ByteBuffer()
        header.writeInteger(UInt32.max)
        header.writeBytes([2, 0, 0, 0, 0, 1])
        _ = watch.advance(over: header)
        #expect(watch.position == .payload(remaining: Int(UInt32.max)))
    }
}
