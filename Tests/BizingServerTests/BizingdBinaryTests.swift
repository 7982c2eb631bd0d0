import Testing
import Foundation
import NIOCore
import BizingAPI
import BizingClient
import BizingTools
import BizingWire

/// A `bizingd` process with its own data folder, stdout and stderr.
final class Daemon {
    static var binary: URL {
        // The test bundle sits in the build products folder, next to bizingd.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("bizingd")
    }

    let home: URL
    let process: ChildProcess

    /// Starts bizingd with `arguments`, `BIZING_HOME` set to a fresh folder and
    /// `BIZING_SOCKET`/`BIZING_LOG_LEVEL` cleared (plus `environment`), and
    /// without the demo data unless `arguments` ask for it (seeding hashes a
    /// password at full cost; DemoDataTests covers it).
    init(_ arguments: [String] = [], environment extra: [String: String] = [:]) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build bizingd first (swift build)")
        home = try temporaryFolder()
        var environment = ProcessInfo.processInfo.environment
        environment["BIZING_HOME"] = home.path
        environment["BIZING_SOCKET"] = nil
        environment["BIZING_LOG_LEVEL"] = nil
        environment.merge(extra) { $1 }
        process = try ChildProcess(
            Self.binary, arguments.contains("--demo") || arguments.first == "bootstrap" ? arguments : arguments + ["--no-demo"],
            environment: environment)
    }

    deinit {
        if process.isRunning { process.interrupt(); process.waitForExit() }
        try? FileManager.default.removeItem(at: home)
    }

    var defaultSocket: String { home.appendingPathComponent("bizing.sock").path }

    /// The first line on stdout (the ready line), or nil if bizingd exited first.
    func readLine() throws -> String? {
        var bytes: [UInt8] = []
        while true {
            guard let byte = try process.standardOutput!.read(upToCount: 1), let first = byte.first else { return nil }
            if first == UInt8(ascii: "\n") { break }
            bytes.append(first)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Waits for the process to exit (up to `timeout`); returns its status.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(!process.isRunning, "bizingd did not exit within \(timeout)")
        return process.waitForExit()
    }

    /// Everything on stderr (call after the process exited).
    func standardError() -> String {
        String(decoding: (try? process.standardError!.readToEndRetryingInterrupts()) ?? Data(), as: UTF8.self)
    }

    /// Everything else on stdout (call after the process exited).
    func restOfStandardOutput() -> String {
        String(decoding: (try? process.standardOutput!.readToEndRetryingInterrupts()) ?? Data(), as: UTF8.self)
    }
}

/// A blocking raw connection speaking frames by hand: for calls whose request
/// arrives late.
final class FrameConnection {
    private let fd: Int32
    private var input = ByteBuffer()
    private var decoder = FrameDecoder()

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8).prefix($0.count - 1)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .ECONNREFUSED)
        }
        var opening = ByteBuffer()
        ConnectionPreface().write(to: &opening)
        try Frame.control(.settings, Settings()).write(to: &opening)
        send(opening)
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

    func send(_ frame: Frame) {
        var bytes = ByteBuffer()
        frame.write(to: &bytes)
        send(bytes)
    }

    /// The next frame, or nil when the server closed (or nothing came within `timeout`).
    func nextFrame(timeout: Duration = .seconds(15)) throws -> Frame? {
        let deadline = ContinuousClock.now + timeout
        while true {
            while let inbound = try decoder.decode(buffer: &input) {
                if case .frame(let frame) = inbound { return frame }
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(left.components.seconds * 1000) + 10) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            input.writeBytes(chunk[0..<count])
        }
    }

    /// Frames up to and including the first one `matching`.
    func frames(until matching: (Frame) -> Bool) throws -> [Frame] {
        var frames: [Frame] = []
        while let frame = try nextFrame() {
            frames.append(frame)
            if matching(frame) { return frames }
        }
        Issue.record("the connection closed before the expected frame; got \(frames.map(\.type))")
        return frames
    }
}

/// Runs the built `bizingd` as a user would.
@Suite struct BizingdBinaryTests {
    @Test func servesTheEmbeddedDefaultAndStopsOnSIGTERM() async throws {
        let daemon = try Daemon()
        let socket = daemon.defaultSocket
        #expect(try daemon.readLine() == "bizingd ready on \(socket)")
        let connection = try await RPCClient.connect(socketPath: socket)
        let reply = try await SystemV1.System.Client(connection).ping(SystemV1.PingRequest(payload: Data([1, 2, 3])))
        #expect(reply.payload == Data([1, 2, 3]))
        #expect(try await SystemV1.System.Client(connection).health(SystemV1.HealthRequest()).status == .serving)
        try await connection.close()
        // The database sits beside the socket in the data folder.
        #expect(FileManager.default.fileExists(atPath: daemon.home.appendingPathComponent("bizing.sqlite").path))

        daemon.process.terminate()  // SIGTERM
        #expect(try await daemon.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
        #expect(daemon.restOfStandardOutput().isEmpty, "the ready line is printed once")
    }

    @Test func sigtermLetsACallInFlightFinishAndRefusesNewConnections() async throws {
        let daemon = try Daemon(["--drain-timeout", "5"])
        let socket = daemon.defaultSocket
        #expect(try daemon.readLine() == "bizingd ready on \(socket)")

        // Call 1 starts; its request has not arrived yet, so it stays in flight.
        let raw = try FrameConnection(path: socket)
        raw.send(try Frame.control(.callStart, callID: 1, CallStart(method: "bizing.system.v1.System/Ping")))
        raw.send(Frame(type: .ping, callID: 0, payload: ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 1])))
        _ = try raw.frames { $0.type == .ping }  // the server has seen the CALL_START

        daemon.process.terminate()  // SIGTERM
        let goAway = try #require(try raw.frames { $0.type == .goAway }.last)
        let reason = try goAway.decodePayload(as: GoAway.self)
        #expect(reason.code == .unavailable)
        #expect(reason.lastCallID == 1)
        // Draining: nothing new is accepted.
        #expect(throws: (any Error).self) { _ = try FrameConnection(path: socket) }

        // The call in flight still finishes.
        var request = ByteBuffer()
        try ProtobufEncoder().encode(SystemV1.PingRequest(payload: Data("late".utf8)), into: &request)
        raw.send(Frame(type: .message, flags: .endStream, callID: 1, payload: request))
        let answer = try raw.frames { $0.type == .callEnd }
        let message = try #require(answer.first { $0.type == .message && $0.callID == 1 })
        #expect(try ProtobufDecoder().decode(SystemV1.PingResponse.self, from: message.payload).payload == Data("late".utf8))
        #expect(try answer.last!.decodePayload(as: CallEnd.self).status.code == .ok)
        #expect(try raw.nextFrame() == nil, "the server closes once the call is answered")

        #expect(try await daemon.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
        let log = daemon.standardError()
        #expect(log.contains("drain"))
    }

    @Test func aCallStillInFlightAtTheDrainTimeoutIsCutOff() async throws {
        let daemon = try Daemon(["--drain-timeout", "0.3"])
        #expect(try daemon.readLine() != nil)
        let raw = try FrameConnection(path: daemon.defaultSocket)
        raw.send(try Frame.control(.callStart, callID: 1, CallStart(method: "bizing.system.v1.System/Ping")))
        raw.send(Frame(type: .ping, callID: 0, payload: ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 2])))
        _ = try raw.frames { $0.type == .ping }
        let signalled = ContinuousClock.now
        daemon.process.interrupt()  // SIGINT, as Ctrl-C
        _ = try raw.frames { $0.type == .goAway }
        #expect(try raw.nextFrame() == nil, "closed without an answer once the drain timeout passed")
        #expect(try await daemon.waitForExit() == 0)
        let took = ContinuousClock.now - signalled
        #expect(took >= .milliseconds(250))
        // A generous bound: on a loaded 2-core machine the whole suite competes
        // for the CPU; without the drain timeout the call would wait for ever.
        #expect(took < .seconds(30), "without the drain timeout the call would wait for ever")
        #expect(daemon.standardError().contains("drain timeout passed"))
    }

    @Test func socketGroupGivesTheSocketToThatGroup() async throws {
        let name = try primaryGroupName()
        let daemon = try Daemon(["--socket-group", name])
        let socket = daemon.defaultSocket
        #expect(try daemon.readLine() == "bizingd ready on \(socket)")
        #expect(try posixMode(socket) == 0o660)
        #expect(try groupOwner(socket) == getgid())
        #expect(try posixMode(daemon.home.path) == 0o750)
        #expect(try groupOwner(daemon.home.path) == getgid())
        #expect(try posixMode(daemon.home.appendingPathComponent("bizing.sqlite").path) == 0o600)
        daemon.process.terminate()
        #expect(try await daemon.waitForExit() == 0)
    }

    /// Bad flags fail before anything starts, with a message naming the flag.
    @Test(arguments: [
        (["--socket-group", "no-such-group-bizing"], "no group named 'no-such-group-bizing'"),
        (["--log-level", "loud"], "--log-level must be one of trace, debug, info, notice, warning, error, critical"),
        (["--drain-timeout", "-1"], "--drain-timeout"),
        (["--threads", "0"], "--threads must be at least 1"),
        (["--db", "/"], "--db / is a folder"),
        (["--allow-uid", "no-such-user-bizing"], "--allow-uid: there is no user 'no-such-user-bizing'"),
    ])
    func badFlagsFailClearly(arguments: [String], message: String) async throws {
        let daemon = try Daemon(arguments)
        #expect(try daemon.readLine() == nil, "no ready line")
        #expect(try await daemon.waitForExit() != 0)
        let errors = daemon.standardError()
        #expect(errors.contains(message), "stderr: \(errors)")
    }

    @Test func aBadLogLevelInTheEnvironmentFailsClearly() async throws {
        let daemon = try Daemon([], environment: ["BIZING_LOG_LEVEL": "chatty"])
        #expect(try daemon.readLine() == nil)
        #expect(try await daemon.waitForExit() != 0)
        #expect(daemon.standardError().contains("BIZING_LOG_LEVEL must be one of"))
    }

    @Test func allowUIDAdmitsTheNamedUserOnly() async throws {
        let daemon = try Daemon(["--allow-uid", "root", "--allow-uid", "\(getuid())"])
        #expect(try daemon.readLine() == "bizingd ready on \(daemon.defaultSocket)")
        let client = try await RPCClient.connect(socketPath: daemon.defaultSocket)
        #expect(try await SystemV1.System.Client(client).health(SystemV1.HealthRequest()).status == .serving)
        try await client.close()
        daemon.process.terminate()  // SIGTERM
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test func dbFlagCreatesAWALDatabase() async throws {
        let elsewhere = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let path = elsewhere.appendingPathComponent("new/data.sqlite").path
        let daemon = try Daemon(["--db", path])
        #expect(try daemon.readLine() == "bizingd ready on \(daemon.defaultSocket)")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"), "WAL mode keeps a -wal file while open")
        #expect(try posixMode(path) == 0o600)
        #expect(try posixMode(elsewhere.appendingPathComponent("new").path) == 0o700)
        // Header bytes 18 and 19 (file format write and read versions) are 2 in WAL mode.
        let header = try #require(FileHandle(forReadingAtPath: path)).readData(ofLength: 20)
        #expect(header.prefix(16) == Data("SQLite format 3\0".utf8))
        #expect(Array(header.suffix(2)) == [2, 2])
        #expect(!FileManager.default.fileExists(atPath: daemon.home.appendingPathComponent("bizing.sqlite").path))
        daemon.process.terminate()
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test func aDatabaseInAnUnwritablePlaceFailsToStart() async throws {
        let blocker = try temporaryFolder().appendingPathComponent("a-file")
        defer { try? FileManager.default.removeItem(at: blocker.deletingLastPathComponent()) }
        try Data("x".utf8).write(to: blocker)
        let path = blocker.appendingPathComponent("bizing.sqlite").path
        let daemon = try Daemon(["--db", path])
        #expect(try daemon.readLine() == nil, "no ready line")
        #expect(try await daemon.waitForExit() == 1)
        let errors = daemon.standardError()
        #expect(errors.contains("bizingd: cannot create the database \(path)"), "stderr: \(errors)")
        #expect(!FileManager.default.fileExists(atPath: daemon.defaultSocket), "nothing was bound")
    }

    @Test func logLevelDebugLogsOnStandardError() async throws {
        let daemon = try Daemon(["--log-level", "debug"])
        #expect(try daemon.readLine() == "bizingd ready on \(daemon.defaultSocket)")
        daemon.process.terminate()
        #expect(try await daemon.waitForExit() == 0)
        let errors = daemon.standardError()
        #expect(errors.contains(" debug bizingd:"), "stderr: \(errors)")
        #expect(errors.contains("configuration"))
    }

    @Test func theDefaultLogLevelIsInfo() async throws {
        let daemon = try Daemon()
        #expect(try daemon.readLine() != nil)
        daemon.process.terminate()
        #expect(try await daemon.waitForExit() == 0)
        let errors = daemon.standardError()
        #expect(errors.contains(" info bizingd:"))
        #expect(!errors.contains(" debug "))
    }
}
