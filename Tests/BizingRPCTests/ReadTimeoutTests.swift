import Testing
import Foundation
import NIOCore
@testable import BizingRPC
import BizingWire

/// A blocking Unix-socket connection that stays open, for peers that misbehave
/// slowly (half a frame, then nothing).
final class RawConnection {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8).prefix(raw.count - 1))
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .ECONNREFUSED)
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ bytes: ByteBuffer) {
        var rest = bytes
        while rest.readableBytes > 0 {
            let written = rest.withUnsafeReadableBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            rest.moveReaderIndex(forwardBy: written)
        }
    }

    /// Reads (and keeps) what arrives until the peer closes or `timeout`
    /// passes; returns whether it closed, and the bytes.
    func waitForClose(timeout: Duration) -> (closed: Bool, bytes: [UInt8]) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return (false, received) }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let millis = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            guard poll(&descriptor, 1, millis) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return (true, received) }
            received += chunk[0..<count]
        }
    }
}

/// The half-frame read timeout and hostile bytes, over a real socket.
@Suite struct ReadTimeoutTests {
    static func limits(readTimeout: Duration?) -> ServerLimits {
        var limits = ServerLimits()
        limits.readTimeout = readTimeout
        return limits
    }

    var opening: ByteBuffer {
        var bytes = ByteBuffer()
        ConnectionPreface().write(to: &bytes)
        try! Frame.control(.settings, Settings()).write(to: &bytes)
        return bytes
    }

    @Test func halfAFrameIsClosedAndAWellBehavedClientGoesOn() async throws {
        let server = try await TestServer.start(limits: Self.limits(readTimeout: .milliseconds(200)))
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "before"))) == "before")

        // A raw peer that behaves, then rests between frames longer than the timeout.
        let patient = try RawConnection(path: server.socketPath)
        patient.send(opening)

        // Another sends half a frame header and stops.
        let stuck = try RawConnection(path: server.socketPath)
        var bytes = opening
        bytes.writeBytes([0, 0, 0, 40, FrameType.message.rawValue])
        let started = ContinuousClock.now
        stuck.send(bytes)
        let outcome = stuck.waitForClose(timeout: .seconds(3))
        let waited = ContinuousClock.now - started
        #expect(outcome.closed)
        #expect(waited >= .milliseconds(150))
        #expect(waited < .seconds(2))

        // The resting peer is still served: a PING gets its ACK.
        var ping = ByteBuffer()
        Frame(type: .ping, callID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])).write(to: &ping)
        patient.send(ping)
        var reply = ByteBuffer()
        var decoder = FrameDecoder()
        var frames: [Frame] = []
        let deadline = ContinuousClock.now + .seconds(3)
        while !frames.contains(where: { $0.type == .ping }) && ContinuousClock.now < deadline {
            var chunk = [UInt8](repeating: 0, count: 1024)
            var descriptor = pollfd(fd: patient.fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(patient.fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            reply.writeBytes(chunk[0..<count])
            while let inbound = try decoder.decode(buffer: &reply) { if case .frame(let frame) = inbound { frames.append(frame) } }
        }
        let ack = try #require(frames.first { $0.type == .ping })
        #expect(ack.flags.contains(.ack))
        #expect(ack.payload == ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8]))

        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "after"))) == "after")
        try await client.close()
        try await server.stop()
    }

    @Test func aConnectionThatSaysNothingIsClosed() async throws {
        let server = try await TestServer.start(limits: Self.limits(readTimeout: .milliseconds(200)))
        let silent = try RawConnection(path: server.socketPath)
        let outcome = silent.waitForClose(timeout: .seconds(3))
        #expect(outcome.closed)
        #expect(outcome.bytes.isEmpty, "nothing is answered before the preface")
        try await server.stop()
    }

    @Test func withoutAReadTimeoutHalfAFrameWaits() async throws {
        let server = try await TestServer.start(limits: Self.limits(readTimeout: nil))
        let stuck = try RawConnection(path: server.socketPath)
        var bytes = opening
        bytes.writeBytes([0, 0])
        stuck.send(bytes)
        #expect(!stuck.waitForClose(timeout: .milliseconds(300)).closed)
        try await server.server.stop(drainTimeout: .zero)
        try? FileManager.default.removeItem(at: server.directory)
    }

    @Test func randomBytesInsteadOfAPrefaceCloseOnlyThatConnection() async throws {
        let server = try await TestServer.start()
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let garbage = try RawConnection(path: server.socketPath)
            var bytes = ByteBuffer()
            for _ in 0..<512 { bytes.writeInteger(UInt8.random(in: 0...255, using: &generator)) }
            garbage.send(bytes)
            let outcome = garbage.waitForClose(timeout: .seconds(3))
            #expect(outcome.closed)
            #expect(outcome.bytes.isEmpty, "a stranger gets no answer")
        }
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "unaffected"))) == "unaffected")
        try await client.close()
        try await server.stop()
    }
}
