import Testing
import Foundation
import NIOCore
@testable import BizingRPC
import BizingWire

/// Each limit refuses the offender, and the server goes on serving others.
@Suite struct LimitTests {
    @Test func metadataOverTheLimitRefusesThatCallOnly() async throws {
        var limits = ServerLimits()
        limits.maxMetadataSize = 1024
        let server = try await TestServer.start(limits: limits)
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        let refused = await status {
            _ = try await client.unary("test.v1.Test/Echo", request: ByteBuffer(), metadata: [MetadataEntry(key: "x-big", value: String(repeating: "m", count: 2000))])
        }
        #expect(refused?.code == .resourceExhausted)
        #expect(refused?.message.contains("1024-byte limit") == true)
        // The same connection, and another one, still work.
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "same"))) == "same")
        let other = try await RPCClient.connect(socketPath: server.socketPath)
        #expect(String(buffer: try await other.unary("test.v1.Test/Echo", request: ByteBuffer(string: "other"))) == "other")
        try await client.close()
        try await other.close()
        try await server.stop()
    }

    @Test func aCompressedRequestThatInflatesPastTheLimitIsRefusedWhileInflating() async throws {
        let server = try await TestServer.start()
        // 16 MiB of zeros deflates to ~16 KB: a zip bomb against a 4 MiB limit.
        let bomb = try MessageCompression.compress(ByteBuffer(repeating: 0, count: 16 << 20))
        var bytes = ByteBuffer()
        ConnectionPreface().write(to: &bytes)
        try Frame.control(.settings, Settings()).write(to: &bytes)
        try Frame.control(.callStart, callID: 1, CallStart(method: "test.v1.Test/Echo")).write(to: &bytes)
        Frame(type: .message, flags: [.endStream, .compressed], callID: 1, payload: bomb).write(to: &bytes)
        // A well-formed compressed request on the same connection is answered.
        try Frame.control(.callStart, callID: 3, CallStart(method: "test.v1.Test/Echo")).write(to: &bytes)
        let fine = try MessageCompression.compress(ByteBuffer(string: String(repeating: "fine ", count: 100)))
        Frame(type: .message, flags: [.endStream, .compressed], callID: 3, payload: fine).write(to: &bytes)
        let frames = serverFrames(try RawSocket.exchange(
            path: server.socketPath, send: Array(bytes.readableBytesView), until: { callEndCount($0) == 2 }))
        let ends = try frames.callEnds()
        let messages = Dictionary(frames.filter { $0.type == .message }.map { ($0.callID, $0.payload) }) { $1 }
        #expect(ends[1]?.status.code == .resourceExhausted)
        #expect(ends[3]?.status.code == .ok)
        #expect(messages[3].map { String(buffer: $0) } == String(repeating: "fine ", count: 100))
        try await server.stop()
    }
}

@Suite struct AllowedPeerTests {
    @Test func onlyAllowedUsersMayConnect() async throws {
        var limits = ServerLimits()
        limits.allowedPeerUIDs = [getuid() &+ 1]
        let closed = try await TestServer.start(limits: limits)
        let refusedClient = try await RPCClient.connect(socketPath: closed.socketPath)
        let refused = await status { _ = try await refusedClient.unary("test.v1.Test/Echo", request: ByteBuffer()) }
        #expect(refused?.code == .permissionDenied)
        #expect(refused?.message == "user id \(getuid()) may not connect to this server")
        try? await refusedClient.close()
        try await closed.stop()

        limits.allowedPeerUIDs = [getuid()]
        let open = try await TestServer.start(limits: limits)
        let client = try await RPCClient.connect(socketPath: open.socketPath)
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "me"))) == "me")
        try await client.close()
        try await open.stop()
    }
}
