import Testing
import Foundation
import BizingServer

/// Runs the built `bizing` against a live server, as a user would.
/// (`LoadToolTests` runs `bizing-load` through the same helpers.)
@Suite struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs on a dispatch thread: the blocking wait must not hold one of the
    /// few cooperative threads the in-process server's handlers need.
    static func bizing(_ arguments: [String], socket: String, stdin: String = "", program: String = "bizing") async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(arguments, socket: socket, stdin: stdin, program: program) })
            }
        }
    }

    static func runBlocking(_ arguments: [String], socket: String, stdin: String, program: String = "bizing") throws -> Run {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(program)
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build \(program) first (swift build)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["BIZING_SOCKET"] = socket
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    func withServer(_ body: (String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-cli-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await BizingServer.start(ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1))
        do {
            try await body(server.configuration.socketPath)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test func callListAndDescribe() async throws {
        try await withServer { socket in
            let ping = try await Self.bizing(["call", "bizing.system.v1.System/Ping", #"{"payload":"aGk="}"#], socket: socket)
            #expect(ping.status == 0)
            #expect(ping.stdout == "{\n  \"payload\" : \"aGk=\"\n}\n")

            let health = try await Self.bizing(["call", "bizing.system.v1.System.Health"], socket: socket)
            #expect(health.stdout.contains("\"status\" : \"SERVING_STATUS_SERVING\""))

            let fromStdin = try await Self.bizing(["call", "bizing.system.v1.System/Ping", "-d", "-"], socket: socket, stdin: #"{"payload":"AQID"}"#)
            #expect(fromStdin.stdout.contains("AQID"))

            let list = try await Self.bizing(["list"], socket: socket)
            #expect(list.stdout == "bizing.system.v1.System\n")

            let describe = try await Self.bizing(["describe", "bizing.system.v1.PingRequest"], socket: socket)
            #expect(describe.status == 0)
            #expect(describe.stdout.contains("\"jsonName\" : \"payload\""))
        }
    }

    @Test func errorsGoToStderrWithAStatusExitCode() async throws {
        try await withServer { socket in
            let missing = try await Self.bizing(["describe", "bizing.nope.v1.Nope"], socket: socket)
            #expect(missing.status == 10 + 5)
            #expect(missing.stderr.hasPrefix("NOT_FOUND: "))
            #expect(missing.stdout.isEmpty)

            let badJSON = try await Self.bizing(["call", "bizing.system.v1.System/Ping", #"{"payload":5}"#], socket: socket)
            #expect(badJSON.status == 1)
            #expect(badJSON.stderr.contains("payload: expected base64 text"))

            let unknown = try await Self.bizing(["call", "bizing.system.v1.System/Nope"], socket: socket)
            #expect(unknown.status == 10 + 12)
        }
        let noServer = try await Self.bizing(["list"], socket: "/tmp/bizing-no-such-\(UUID().uuidString.prefix(6)).sock")
        #expect(noServer.status == 10 + 14)
        #expect(noServer.stderr.contains("Is bizingd running?"))
    }
}
