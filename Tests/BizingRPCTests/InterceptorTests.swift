import Testing
import Foundation
import NIOCore
import Synchronization
import Logging
import MetricsTestKit
@testable import BizingRPC
import BizingWire

/// Records the order interceptors ran in and tags the context.
struct Tagging: ServerInterceptor {
    enum Tags: CallAttributeKey { typealias Value = [String] }
    let name: String

    func intercept<Output: Sendable>(
        _ context: ServerCallContext, next: (ServerCallContext) async throws -> Output
    ) async throws -> Output {
        var context = context
        context.attributes[Tags.self] = (context.attributes[Tags.self] ?? []) + [name]
        return try await next(context)
    }
}

@Suite struct InterceptorTests {
    static let tags = RPCMethod.unary("test.v1.Test/Tags") { _, context in
        ByteBuffer(string: (context.attributes[Tagging.Tags.self] ?? []).joined(separator: ","))
    }

    @Test func interceptorsRunInOrderAndEnrichTheContext() async throws {
        let server = try await TestServer.start(methods: [Self.tags], interceptors: [Tagging(name: "outer"), Tagging(name: "inner")])
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        #expect(String(buffer: try await client.unary("test.v1.Test/Tags", request: ByteBuffer())) == "outer,inner")
        try await client.close()
        try await server.stop()
    }

    @Test func theAuthenticationHookRefusesOrAttachesAPrincipal() async throws {
        struct User: Sendable, Equatable { let name: String }
        let whoAmI = RPCMethod.unary("test.v1.Test/WhoAmI") { _, context in
            ByteBuffer(string: context.principal(as: User.self)?.name ?? "nobody")
        }
        let authentication = Authentication(openMethods: ["test.v1.Test/Echo"]) { context -> User in
            guard let token = context.bearerToken else { throw RPCStatus(.unauthenticated, "a token is required") }
            guard token == "good" else { throw RPCStatus(.unauthenticated, "a token is required") }
            return User(name: "ada")
        }
        let server = try await TestServer.start(methods: [whoAmI], interceptors: [authentication])
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        // Open methods need no token.
        #expect(String(buffer: try await client.unary("test.v1.Test/Echo", request: ByteBuffer(string: "open"))) == "open")
        let missing = await status { _ = try await client.unary("test.v1.Test/WhoAmI", request: ByteBuffer()) }
        #expect(missing?.code == .unauthenticated)
        let wrong = await status {
            _ = try await client.unary("test.v1.Test/WhoAmI", request: ByteBuffer(), metadata: [MetadataEntry(key: "authorization", value: "Bearer bad")])
        }
        #expect(wrong == missing)
        let answer = try await client.unary(
            "test.v1.Test/WhoAmI", request: ByteBuffer(), metadata: [MetadataEntry(key: "authorization", value: "Bearer good")])
        #expect(String(buffer: answer) == "ada")
        try await client.close()
        try await server.stop()
    }

    @Test func callsAreLoggedWithRequestIDPeerAndStatus() async throws {
        let recorder = LogRecorder()
        let server = try await TestServer.start(interceptors: [CallLogging()], logger: recorder.logger())
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        _ = try await client.unary("test.v1.Test/Echo", request: ByteBuffer(), metadata: [MetadataEntry(key: "request-id", value: "req-42")])
        _ = await status { _ = try await client.unary("test.v1.Test/Reject", request: ByteBuffer()) }
        try await client.close()
        try await server.stop()

        let calls = recorder.all.filter { $0.message == "call finished" }
        let echo = try #require(calls.first { $0.metadata["method"] == "test.v1.Test/Echo" })
        #expect(echo.level == .debug)
        #expect(echo.metadata["request-id"] == "req-42")
        #expect(echo.metadata["code"] == "OK")
        #expect(echo.metadata["peer-uid"] == "\(getuid())")
        #expect(echo.metadata["micros"].flatMap(Int.init) != nil)
        let reject = try #require(calls.first { $0.metadata["method"] == "test.v1.Test/Reject" })
        #expect(reject.metadata["code"] == "INVALID_ARGUMENT")
        // A generated id: unique, never empty.
        #expect(reject.metadata["request-id"]?.isEmpty == false)
        #expect(reject.metadata["request-id"] != "req-42")
    }

    @Test func unexpectedErrorsAreLoggedInFullButAnsweredBare() async throws {
        let recorder = LogRecorder()
        let server = try await TestServer.start(logger: recorder.logger(level: .info))
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        let crash = await status { _ = try await client.unary("test.v1.Test/Crash", request: ByteBuffer()) }
        #expect(crash == RPCStatus(.internal, "internal error"))
        try await client.close()
        try await server.stop()
        let logged = try #require(recorder.all.first { $0.level == .error })
        #expect(logged.metadata["error"]?.contains("hunter2") == true)
        #expect(logged.metadata["method"] == "test.v1.Test/Crash")
    }

    @Test func failedCallsAndChosenIDsCarryTheRequestIDInTheirTrailers() async throws {
        let server = try await TestServer.start()
        var bytes = ByteBuffer()
        ConnectionPreface().write(to: &bytes)
        try Frame.control(.settings, Settings()).write(to: &bytes)
        try Frame.control(.callStart, callID: 1, CallStart(method: "test.v1.Test/Reject")).write(to: &bytes)
        Frame(type: .message, flags: .endStream, callID: 1).write(to: &bytes)
        try Frame.control(.callStart, callID: 2, CallStart(method: "test.v1.Test/Echo", metadata: [MetadataEntry(key: "request-id", value: "mine")])).write(to: &bytes)
        Frame(type: .message, flags: .endStream, callID: 2).write(to: &bytes)
        try Frame.control(.callStart, callID: 3, CallStart(method: "test.v1.Test/Echo")).write(to: &bytes)
        Frame(type: .message, flags: .endStream, callID: 3).write(to: &bytes)
        let ends = try serverFrames(try RawSocket.exchange(
            path: server.socketPath, send: Array(bytes.readableBytesView), until: { callEndCount($0) == 3 })).callEnds()
        let generated = try #require(ends[1]?.trailers.first { $0.key == "request-id" }?.value)
        #expect(!generated.isEmpty)
        #expect(ends[2]?.trailers == [MetadataEntry(key: "request-id", value: "mine")])
        #expect(ends[3]?.trailers == [], "a successful call with no chosen id carries no trailer")
        try await server.stop()
    }

    @Test func callsAreCountedByMethodAndStatus() async throws {
        let metrics = TestMetrics()
        let server = try await TestServer.start(interceptors: [CallMetrics(factory: metrics)])
        let client = try await RPCClient.connect(socketPath: server.socketPath)
        for _ in 0..<3 { _ = try await client.unary("test.v1.Test/Echo", request: ByteBuffer()) }
        _ = await status { _ = try await client.unary("test.v1.Test/Reject", request: ByteBuffer()) }
        try await client.close()
        try await server.stop()
        let ok = try metrics.expectCounter("bizing_rpc_calls_total", [("method", "test.v1.Test/Echo"), ("code", "OK")])
        #expect(ok.totalValue == 3)
        let rejected = try metrics.expectCounter("bizing_rpc_calls_total", [("method", "test.v1.Test/Reject"), ("code", "INVALID_ARGUMENT")])
        #expect(rejected.totalValue == 1)
        let timer = try metrics.expectTimer("bizing_rpc_call_duration", [("method", "test.v1.Test/Echo")])
        #expect(timer.values.count == 3)
    }
}
