import NIOCore
import Testing
@testable import BizingWire

@Suite struct FrameReassemblerTests {
    /// A preface and a few frames of assorted sizes, as one byte stream.
    static func stream() throws -> (bytes: ByteBuffer, frames: [Frame]) {
        var bytes = ByteBuffer()
        ConnectionPreface().write(to: &bytes)
        let frames = [
            try Frame.control(.settings, Settings(acceptCompression: ["zlib"])),
            Frame(type: .message, flags: .endStream, callID: 1),
            Frame(type: .message, callID: 2, payload: ByteBuffer(repeating: 7, count: 300)),
            Frame(type: .callEnd, callID: 2),
        ]
        for frame in frames { frame.write(to: &bytes) }
        return (bytes, frames)
    }

    static func drain(_ reassembler: inout FrameReassembler) throws -> [WireInbound] {
        var out: [WireInbound] = []
        while let inbound = try reassembler.next() { out.append(inbound) }
        return out
    }

    @Test func readsTheSameFramesHoweverTheBytesAreSplit() throws {
        let (bytes, frames) = try Self.stream()
        let expected = [WireInbound.preface(ConnectionPreface())] + frames.map(WireInbound.frame)
        for chunk in [1, 2, 3, 7, 10, 11, 64, bytes.readableBytes] {
            var reassembler = FrameReassembler()
            var got: [WireInbound] = []
            var rest = bytes
            while rest.readableBytes > 0 {
                reassembler.append(rest.readSlice(length: min(chunk, rest.readableBytes))!)
                got += try Self.drain(&reassembler)
            }
            #expect(got == expected, "chunks of \(chunk)")
            #expect(reassembler.bufferedBytes == 0)
        }
    }

    @Test func keepsOnlyTheUnfinishedFrame() throws {
        let (bytes, _) = try Self.stream()
        var reassembler = FrameReassembler()
        reassembler.append(bytes.getSlice(at: 0, length: bytes.readableBytes - 5)!)
        _ = try Self.drain(&reassembler)
        #expect(reassembler.bufferedBytes == Frame.headerSize - 5)
    }

    @Test func refusesAFrameOverTheLimitBeforeItsPayloadArrives() throws {
        var reassembler = FrameReassembler(maxFrameSize: 100, expectPreface: false)
        var header = ByteBuffer()
        header.writeInteger(UInt32(101))
        header.writeBytes([FrameType.message.rawValue, 0, 0, 0, 0, 1])
        reassembler.append(header)
        #expect(throws: FrameError.self) { _ = try reassembler.next() }
    }
}
