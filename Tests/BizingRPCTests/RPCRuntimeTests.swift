import Testing
import Foundation
import NIOCore
import NIOPosix
import Synchronization
@testable import BizingRPC
import BizingWire
import Logging

/// Records which server handlers saw their task cancelled.
final class CancellationLog: Sendable {
    private let names = Mutex<[String]>([])
    func record(_ name: String) { names.withLock { $0.append(name) } }
    var all: [String] { names.withLock { $0 } }
}

struct Note: Codable, Equatable {
    var text: String = ""
    var number: Int64 = 0
    enum CodingKeys: Int, CodingKey { case text = 1, number = 2 }
}

/// A server on a socket in a fresh temp folder, with test methods.
struct TestServer {
    let directory: URL
    let server: RPCServer
    let log: CancellationLog
    /// Methods whose handlers have started (for tests that need them running).
    let started: CancellationLog
    var socketPath: String { server.socketPath }

    static func start(
        limits: ServerLimits = ServerLimits(), methods: [RPCMethod] = [],
        interceptors: [any ServerInterceptor] = [], logger: Logger = Logger(label: "test")
    ) async throws -> TestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-rpc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let log = CancellationLog()
        let started = CancellationLog()
        let registry = MethodRegistry(methods + [
            RPCMethod.unary("test.v1.Test/Echo") { request, _ in request },
            RPCMethod.unary("test.v1.Test/Note") { request, context in
                var note = try ProtobufDecoder().decode(Note.self, from: request)
                note.text = "\(note.text) via \(context.metadataValue("request-id") ?? "-")"
                note.number += 1
                var buffer = ByteBuffer()
                try ProtobufEncoder().encode(note, into: &buffer)
                return buffer
            },
            RPCMethod.unary("test.v1.Test/Sleep") { _, context in
                started.record(context.method)
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    log.record(context.method)
                    throw error
                }
                return ByteBuffer()
            },
            RPCMethod.unary("test.v1.Test/Slow") { request, _ in
                log.record("Slow started")
                try await Task.sleep(for: .milliseconds(300))
                log.record("Slow finished")
                return request
            },
            RPCMethod.unary("test.v1.Test/Reject") { _, _ in
                throw RPCStatus.invalidArgument(field: "email", "not an email address")
            },
            RPCMethod.unary("test.v1.Test/Crash") { _, _ in
                struct SecretDatabaseError: Error { let sql = "SELECT * FROM users WHERE password = 'hunter2'" }
                throw SecretDatabaseError()
            },
        ])
        let server = try await RPCServer.start(socketPath: directory.appendingPathComponent("s.sock").path, registry: registry, limits: limits,
            interceptors: interceptors, logger: logger)
        return TestServer(directory: directory, server: server, log: log, started: started)
    }

    func stop() async throws {
        try await server.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

func status(of body: () async throws -> Void) async -> RPCStatus? {
    do {
        try await body()
        return nil
    } catch let status as RPCStatus {
        return status
    } catch {
        Issue.record("expected an RPCStatus, got \(error)")
        return nil
    }
}

@Suite struct RPCRuntimeTests {
    @Test func answersAThousandConcurrentCallsOnOneConnection() async throws {
        let server = try await TestServer.start()
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<1000 {
                group.addTask {
                    let response = try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "call \(index)"))
                    return (index, String(buffer: response))
                }
            }
            var answers: [Int: String] = [:]
            for try await (index, text) in group { answers[index] = text }
            return answers
        }
        #expect(answers.count == 1000)
        #expect(answers.allSatisfy { $0.value == "call \($0.key)" })
        try await client.close()
        try await server.stop()
    }

    @Test func carriesTypedMessagesAndMetadata() async throws {
        let server = try await TestServer.start()
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        let reply: Note = try await client.unary(
            "test.v1.Test/Note", Note(text: "hello", number: 41), metadata: [MetadataEntry(key: "request-id", value: "r-7")])
        #expect(reply == Note(text: "hello via r-7", number: 42))
        try await client.close()
        try await server.stop()
    }

    @Test func unknownMethodsAreUnimplemented() async throws {
        let server = try await TestServer.start()
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        let error = await status { _ = try await client.unary("test.v1.Test/Nope", request: ByteBuffer()) }
        #expect(error?.code == .unimplemented)
        #expect(error?.message.contains("test.v1.Test/Nope") == true)
        try await client.close()
        try await server.stop()
    }

    @Test func handlerStatusesAndDetailsReachTheCaller() async throws {
        let server = try await TestServer.start()
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        let rejected = await status { _ = try await client.unary("test.v1.Test/Reject", request: ByteBuffer()) }
        #expect(rejected?.code == .invalidArgument)
        #expect(rejected?.details.fieldViolations == [FieldViolation(field: "email", description: "not an email address")])
        let crashed = await status { _ = try await client.unary("test.v1.Test/Crash", request: ByteBuffer()) }
        #expect(crashed == RPCStatus(.internal, "internal error"))
        // The connection is still good after both.
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "ok"))) == "ok")
        try await client.close()
        try await server.stop()
    }

    @Test func aPassedDeadlineCancelsTheHandler() async throws {
        let server = try await TestServer.start()
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        let started = ContinuousClock.now
        let error = await status { _ = try await client.unary("test.v1.Test/Sleep", request: ByteBuffer(), timeout: .milliseconds(100)) }
        #expect(error?.code == .deadlineExceeded)
        #expect(ContinuousClock.now - started < .seconds(5))
        try await waitUntil { server.log.all == ["test.v1.Test/Sleep"] }
        try await client.close()
        try await server.stop()
    }

    @Test func cancellingTheCallerCancelsTheHandler() async throws {
        let server = try await TestServer.start()
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        let call = Task { try await client.unary("test.v1.Test/Sleep", request: ByteBuffer()) }
        try await waitUntil { server.started.all.count == 1 }
        call.cancel()
        let error = await status { _ = try await call.value }
        #expect(error?.code == .cancelled)
        try await waitUntil { server.log.all == ["test.v1.Test/Sleep"] }
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "still here"))) == "still here")
        try await client.close()
        try await server.stop()
    }

    @Test func theCallLimitRefusesTheOffenderOnly() async throws {
        var limits = ServerLimits()
        limits.maxConcurrentCallsPerConnection = 4
        let server = try await TestServer.start(limits: limits)
        // A client that ignores the server's SETTINGS opens five calls at once
        // (the library's client queues instead, as the next test shows).
        var bytes = ByteBuffer()
        ConnectionPreface().write(to: &bytes)
        try Frame.control(.settings, Settings()).write(to: &bytes)
        for id in UInt32(1)...5 {
            try Frame.control(.callStart, callID: id, flags: .endStream, CallStart(method: "test.v1.Test/Sleep")).write(to: &bytes)
        }
        let ends = try serverFrames(try RawSocket.exchange(path: server.socketPath, send: Array(bytes.readableBytesView), readFor: 1)).callEnds()
        #expect(Array(ends.keys) == [5])
        #expect(ends[5]?.status.code == .resourceExhausted)
        #expect(ends[5]?.status.details.retryDelayMillis != nil)

        let other = try await RPCClient.connect(socketPath: server.socketPath)
        #expect(String(buffer: try await other.unary("test.v1.Test/Echo", request: ByteBuffer(string: "fine"))) == "fine")
        try await other.close()
        try await server.stop()
    }

    @Test func theClientQueuesCallsBeyondTheServersLimit() async throws {
        var limits = ServerLimits()
        limits.maxConcurrentCallsPerConnection = 2
        let server = try await TestServer.start(limits: limits)
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        let texts = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<50 {
                group.addTask { String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "\(index)"))) }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(texts == Set((0..<50).map(String.init)))
        try await client.close()
        try await server.stop()
    }

    @Test func theConnectionLimitRefusesTheNextConnectionOnly() async throws {
        var limits = ServerLimits()
        limits.maxConnections = 1
        let server = try await TestServer.start(limits: limits)
        let first = try await RPCClient.connect(socketPath: server.socketPath)
        #expect(String(buffer: try await first.unary("test.v1.Test/Echo", request: ByteBuffer(string: "in"))) == "in")
        let second = try await RPCClient.connect(socketPath: server.socketPath)
        let refused = await status { _ = try await second.unary("test.v1.Test/Echo", request: ByteBuffer()) }
        #expect(refused?.code == .unavailable)
        #expect(refused?.message.contains("1 connections open") == true)
        #expect(String(buffer: try await first.unary("test.v1.Test/Echo", request: ByteBuffer(string: "still in"))) == "still in")
        try await first.close()
        try? await second.close()
        try await server.stop()
    }

    @Test func theServerWideCallLimitSpansConnections() async throws {
        var limits = ServerLimits()
        limits.maxConcurrentCalls = 2
        let server = try await TestServer.start(limits: limits)
        let a = try await RPCClient.connect(socketPath: server.socketPath)
        let b = try await RPCClient.connect(socketPath: server.socketPath)
        let sleepers = [Task { try await a.unary("test.v1.Test/Sleep", request: ByteBuffer()) },
                        Task { try await b.unary("test.v1.Test/Sleep", request: ByteBuffer()) }]
        try await waitUntil { server.started.all.count == 2 }
        let refused = await status { _ = try await b.unary("test.v1.Test/Echo", request: ByteBuffer()) }
        #expect(refused?.code == .resourceExhausted)
        #expect(refused?.details.reason == "SERVER_BUSY")
        for sleeper in sleepers { sleeper.cancel() }
        // Cancelled calls give their slots back.
        try await waitUntil { server.log.all.count == 2 }
        try await Task.sleep(for: .milliseconds(50))
        #expect(String(buffer: try await a.unary("test.v1.Test/Echo", request: ByteBuffer(string: "room again"))) == "room again")
        try await a.close()
        try await b.close()
        try await server.stop()
    }

    @Test func theClientReconnectsAfterTheServerRestarts() async throws {
        let first = try await TestServer.start()
        let client = try await RPCClient.connect(socketPath: first.socketPath)
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "one"))) == "one")
        try await first.server.stop()
        // A new server on the same path: the same client carries on.
        let second = try await RPCServer.start(
            socketPath: first.socketPath, registry: MethodRegistry([RPCMethod.unary("test.v1.Test/Echo") { request, _ in request }]))
        var answer: String?
        for _ in 0..<50 where answer == nil {
            // The first call may still meet the old, closing connection.
            answer = try? String(buffer: await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "two")))
            if answer == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(answer == "two")
        try await client.close()
        let closed = await status { _ = try await client.unary("test.v1.Test/Echo", request: ByteBuffer()) }
        #expect(closed?.code == .unavailable)
        try await second.stop()
        try? FileManager.default.removeItem(at: first.directory)
    }

    @Test func shutdownDrainsCallsInFlightAndRefusesNewOnes() async throws {
        let server = try await TestServer.start()
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        let slow = Task { try await client.unary("test.v1.Test/Slow", request: ByteBuffer(string: "finished")) }
        try await waitUntil { server.log.all.contains("Slow started") }
        try await server.server.stop(drainTimeout: .seconds(5))
        // stop() returned only after the call in flight was answered.
        #expect(server.log.all.contains("Slow finished"))
        #expect(String(buffer: try await slow.value) == "finished")
        let refused = await status { _ = try await client.unary("test.v1.Test/Echo", request: ByteBuffer()) }
        #expect(refused?.code == .unavailable)
        // Nothing listens any more.
        await #expect(throws: (any Error).self) { _ = try await RPCClient.connect(socketPath: server.socketPath) }
        try? FileManager.default.removeItem(at: server.directory)
    }

    @Test func garbageClosesOnlyThatConnection() async throws {
        let server = try await TestServer.start()
        let answer = try RawSocket.exchange(path: server.socketPath, send: Array("GET / HTTP/1.1\r\n\r\n".utf8))
        #expect(answer.isEmpty, "the server closes without answering a stranger")

        // A valid preface, then a frame announcing more than the limit: GOAWAY RESOURCE_EXHAUSTED.
        var bytes = ByteBuffer()
        ConnectionPreface().write(to: &bytes)
        try Frame.control(.settings, Settings()).write(to: &bytes)
        bytes.writeInteger(UInt32(64 << 20))
        bytes.writeBytes([FrameType.message.rawValue, 0, 0, 0, 0, 1])
        let frames = serverFrames(try RawSocket.exchange(path: server.socketPath, send: Array(bytes.readableBytesView)))
        let goAway = try #require(frames.first { $0.type == .goAway })
        #expect(try goAway.decodePayload(as: GoAway.self).code == .resourceExhausted)

        let client = try await RPCClient.connect(socketPath: server.socketPath)
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "unaffected"))) == "unaffected")
        try await client.close()
        try await server.stop()
    }
}

/// Polls `condition` for up to 20 seconds (a loaded machine is slow; a met condition returns at once).
func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 20 s")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// A plain blocking Unix-socket client, for sending bytes no real client would.
enum RawSocket {
    /// Sends `bytes`, then reads until the server closes, `until` says the
    /// bytes so far are enough, or `readFor` seconds pass quietly.
    static func exchange(
        path: String, send bytes: [UInt8], readFor seconds: Int = 5, until enough: ([UInt8]) -> Bool = { _ in false }
    ) throws -> [UInt8] {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0)
        defer { Glibc.close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let utf8 = Array(path.utf8)
            raw.copyBytes(from: utf8.prefix(raw.count - 1))
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            received += chunk[0..<count]
            if enough(received) { break }
        }
        return received
    }
}

/// The frames in raw server output (after its preface), up to the first incomplete one.
func serverFrames(_ bytes: [UInt8]) -> [Frame] {
    var buffer = ByteBuffer(bytes: bytes)
    var decoder = FrameDecoder()
    var frames: [Frame] = []
    while let inbound = try? decoder.decode(buffer: &buffer) {
        if case .frame(let frame) = inbound { frames.append(frame) }
    }
    return frames
}

/// Counts the CALL_END frames in raw server output.
func callEndCount(_ bytes: [UInt8]) -> Int {
    serverFrames(bytes).count { $0.type == .callEnd }
}

extension [Frame] {
    /// The decoded CALL_END of each call.
    func callEnds() throws -> [UInt32: CallEnd] {
        var ends: [UInt32: CallEnd] = [:]
        for frame in self where frame.type == .callEnd { ends[frame.callID] = try frame.decodePayload(as: CallEnd.self) }
        return ends
    }
}
