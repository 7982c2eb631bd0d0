import Testing
import Foundation
import NIOCore
import Synchronization
@testable import BizingRPC
import BizingWire

/// Counts what a streaming handler managed to send.
final class SendCounter: Sendable {
    private let sent = Atomic<Int>(0)
    func increment() { sent.add(1, ordering: .relaxed) }
    var value: Int { sent.load(ordering: .relaxed) }
}

@Suite struct StreamingTests {
    /// `count` messages, each its index as text, optionally padded, one after another.
    static func numbers(counter: SendCounter = SendCounter(), padding: Int = 0, log: CancellationLog? = nil) -> RPCMethod {
        .serverStreaming("test.v1.Test/Numbers") { request, context, writer in
            let count = Int(String(buffer: request)) ?? 0
            do {
                for index in 0..<count {
                    try await writer.send(ByteBuffer(string: "\(index)" + String(repeating: " ", count: padding)))
                    counter.increment()
                }
            } catch {
                log?.record("Numbers cancelled")
                throw error
            }
        }
    }

    @Test func streamsEveryMessageInOrderThenEnds() async throws {
        let server = try await TestServer.start(methods: [Self.numbers()])
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        var received: [String] = []
        for try await message in try await client.serverStreaming("test.v1.Test/Numbers", request: ByteBuffer(string: "1000")) {
            received.append(String(buffer: message))
        }
        #expect(received == (0..<1000).map(String.init))
        // An empty stream is a call that ends OK with no messages.
        var none = 0
        for try await _ in try await client.serverStreaming("test.v1.Test/Numbers", request: ByteBuffer(string: "0")) { none += 1 }
        #expect(none == 0)
        try await client.close()
        try await server.stop()
    }

    @Test func aSlowReaderHoldsTheServerToItsWindow() async throws {
        let counter = SendCounter()
        let server = try await TestServer.start(methods: [Self.numbers(counter: counter, padding: 1024)])
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        var iterator = try await client.serverStreaming("test.v1.Test/Numbers", request: ByteBuffer(string: "1000")).makeAsyncIterator()
        for _ in 0..<5 { _ = try await iterator.next() }
        try await Task.sleep(for: .milliseconds(300))
        // No credit was granted beyond the first window: the handler waits.
        #expect(counter.value <= WireLimits.defaultInitialWindow)
        #expect(counter.value >= 5)
        var count = 5
        while let message = try await iterator.next() {
            #expect(String(buffer: message).hasPrefix("\(count) "))
            count += 1
        }
        #expect(count == 1000)
        #expect(counter.value == 1000)
        try await client.close()
        try await server.stop()
    }

    @Test func anErrorAfterSomeMessagesEndsTheStreamWithItsStatus() async throws {
        let failing = RPCMethod.serverStreaming("test.v1.Test/Fail") { _, _, writer in
            for index in 0..<3 { try await writer.send(ByteBuffer(string: "\(index)")) }
            throw RPCStatus(.aborted, "the slot was taken", details: StatusDetails(reason: "SLOT_TAKEN"))
        }
        let server = try await TestServer.start(methods: [failing])
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        var received: [String] = []
        let failure = await status {
            for try await message in try await client.serverStreaming("test.v1.Test/Fail", request: ByteBuffer()) {
                received.append(String(buffer: message))
            }
        }
        #expect(received == ["0", "1", "2"])
        #expect(failure?.code == .aborted)
        #expect(failure?.details.reason == "SLOT_TAKEN")
        try await client.close()
        try await server.stop()
    }

    @Test func droppingTheStreamCancelsTheHandler() async throws {
        let log = CancellationLog()
        let server = try await TestServer.start(methods: [Self.numbers(log: log)])
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        do {
            var read = 0
            for try await _ in try await client.serverStreaming("test.v1.Test/Numbers", request: ByteBuffer(string: "1000000")) {
                read += 1
                if read == 3 { break }
            }
        }
        try await waitUntil { log.all == ["Numbers cancelled"] }
        // The connection is fine afterwards.
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "next"))) == "next")
        try await client.close()
        try await server.stop()
    }

    @Test func aDeadlineEndsAStreamThatRunsTooLong() async throws {
        let ticking = RPCMethod.serverStreaming("test.v1.Test/Tick") { _, _, writer in
            while true {
                try await writer.send(ByteBuffer(string: "tick"))
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let server = try await TestServer.start(methods: [ticking])
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        var ticks = 0
        let failure = await status {
            for try await _ in try await client.serverStreaming("test.v1.Test/Tick", request: ByteBuffer(), timeout: .milliseconds(200)) {
                ticks += 1
            }
        }
        #expect(failure?.code == .deadlineExceeded)
        #expect(ticks <= 10, "at most one tick per 20 ms of the 200 ms deadline")
        try await client.close()
        try await server.stop()
    }

    @Test func largeResponsesTravelCompressedAndArriveWhole() async throws {
        // ~200 KB that compresses a few times over (not hundreds: see the next test).
        let big = (0..<40_000).map { "\($0 * 7919 % 10_007)" }.joined(separator: " ")
        let method = RPCMethod.serverStreaming("test.v1.Test/Big") { _, _, writer in
            for _ in 0..<3 { try await writer.send(ByteBuffer(string: big)) }
        }
        let server = try await TestServer.start(methods: [method])
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        var received: [String] = []
        for try await message in try await client.serverStreaming("test.v1.Test/Big", request: ByteBuffer()) {
            received.append(String(buffer: message))
        }
        #expect(received == [big, big, big])
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: big))) == big)

        // On the wire: a raw client that accepts zlib gets a COMPRESSED frame far smaller than the message.
        var bytes = ByteBuffer()
        ConnectionPreface().write(to: &bytes)
        try Frame.control(.settings, Settings(acceptCompression: ["zlib"])).write(to: &bytes)
        try Frame.control(.callStart, callID: 1, CallStart(method: "test.v1.Test/Big")).write(to: &bytes)
        Frame(type: .message, flags: .endStream, callID: 1).write(to: &bytes)
        let messages = serverFrames(try RawSocket.exchange(
            path: server.socketPath, send: Array(bytes.readableBytesView), until: { callEndCount($0) == 1 })).filter { $0.type == .message }
        #expect(messages.count == 3)
        #expect(messages.allSatisfy { $0.flags.contains(.compressed) && $0.payload.readableBytes < big.utf8.count / 2 })
        try await client.close()
        try await server.stop()
    }

    @Test func messagesThatWouldInflatePastTheReceiversBoundTravelUncompressed() async throws {
        // 290 KB of one repeated phrase deflates over 200:1, which a receiver refuses to inflate.
        let repetitive = String(repeating: "a booking line that repeats; ", count: 10_000)
        let server = try await TestServer.start()
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: repetitive))) == repetitive)
        try await client.close()
        try await server.stop()
    }

    @Test func aZeroWindowUpdateIsAProtocolViolation() async throws {
        let server = try await TestServer.start(methods: [Self.numbers()])
        var bytes = ByteBuffer()
        ConnectionPreface().write(to: &bytes)
        try Frame.control(.settings, Settings(initialWindow: 1)).write(to: &bytes)
        try Frame.control(.callStart, callID: 1, CallStart(method: "test.v1.Test/Numbers")).write(to: &bytes)
        Frame(type: .message, flags: .endStream, callID: 1, payload: ByteBuffer(string: "10")).write(to: &bytes)
        try Frame.control(.windowUpdate, callID: 1, WindowUpdate(increment: 0)).write(to: &bytes)
        let frames = serverFrames(try RawSocket.exchange(path: server.socketPath, send: Array(bytes.readableBytesView)))
        let goAway = try #require(frames.first { $0.type == .goAway })
        #expect(try goAway.decodePayload(as: GoAway.self).code == .internal)
        try await server.stop()
    }
}
