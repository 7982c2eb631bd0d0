import Foundation
import NIOCore
import Testing
@testable import BizingWire

/// The hand-written CALL_START codec must be byte-for-byte the Codable one.
@Suite struct CallStartCodecTests {
    static func text(_ random: inout WireTestRandom) -> String {
        let pieces = ["", "a", "bizing.system.v1.System/Ping", "é", "日本", "🙂", "x-y_z.0", String(repeating: "m", count: 200)]
        return (0..<Int.random(in: 0...3, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    static func callStart(_ random: inout WireTestRandom) -> CallStart {
        let entries = (0..<Int.random(in: 0...4, using: &random)).map { _ -> MetadataEntry in
            Bool.random(using: &random)
                ? MetadataEntry(key: text(&random), value: text(&random))
                : MetadataEntry(key: text(&random), binaryValue: Data((0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }))
        }
        let timeouts: [UInt64] = [0, 1, 127, 128, 1_000_000, UInt64.max, UInt64.random(in: 0...UInt64.max, using: &random)]
        return CallStart(method: text(&random), metadata: entries, timeoutMicros: timeouts.randomElement(using: &random)!)
    }

    @Test func writesTheSameBytesAsTheCoderAndReadsThemBack() throws {
        var random = WireTestRandom(seed: 42)
        for _ in 0..<2000 {
            let start = Self.callStart(&random)
            var fast = ByteBuffer()
            start.writePayload(to: &fast)
            var coded = ByteBuffer()
            try ProtobufEncoder().encode(start, into: &coded)
            #expect(fast == coded, "\(start)")
            #expect(try CallStart.read(from: coded) == start)
        }
    }

    @Test func theFrameMatchesFrameControl() throws {
        var random = WireTestRandom(seed: 7)
        for _ in 0..<200 {
            let start = Self.callStart(&random)
            var fast = ByteBuffer()
            start.writeFrame(callID: 77, flags: .endStream, to: &fast)
            var coded = ByteBuffer()
            try Frame.control(.callStart, callID: 77, flags: .endStream, start).write(to: &coded)
            #expect(fast == coded)
        }
    }

    @Test func damagedBytesFailOrDecodeAsTheCoderDoes() throws {
        var random = WireTestRandom(seed: 99)
        for _ in 0..<3000 {
            var bytes = Array({ () -> ByteBuffer in
                var buffer = ByteBuffer()
                try! ProtobufEncoder().encode(Self.callStart(&random), into: &buffer)
                return buffer
            }().readableBytesView)
            switch Int.random(in: 0...3, using: &random) {
            case 0 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
            case 1 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            case 2: bytes += (0..<Int.random(in: 1...6, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            default: bytes = (0..<Int.random(in: 0...20, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            let buffer = ByteBuffer(bytes: bytes)
            let coder = Result { try ProtobufDecoder().decode(CallStart.self, from: buffer) }
            let fast = Result { try CallStart.read(from: buffer) }
            switch (coder, fast) {
            case (.success(let a), .success(let b)): #expect(a == b, "\(bytes)")
            case (.failure, .failure): break
            // The coder checks the wire type of a field's last occurrence only
            // (it reads only that one); the fast reader checks every occurrence.
            case (.success, .failure(let error)) where (error as? WireFormatError)?.code == .wrongWireType: break
            default: Issue.record("coder \(coder) but fast \(fast) for \(bytes)")
            }
        }
    }
}
