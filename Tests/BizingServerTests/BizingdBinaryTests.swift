import Testing
import Foundation
import BizingClient

/// Runs the built `bizingd` as a user would.
@Suite struct BizingdBinaryTests {
    static var binary: URL {
        // The test bundle sits in the build products folder, next to bizingd.
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("bizingd")
    }

    @Test func servesTheEmbeddedDefaultAndStopsOnSIGTERM() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build bizingd first (swift build)")
        let home = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let process = Process()
        process.executableURL = Self.binary
        var environment = ProcessInfo.processInfo.environment
        environment["BIZING_HOME"] = home.path
        environment["BIZING_SOCKET"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        try process.run()

        let ready = try readLine(output.fileHandleForReading)
        let socket = home.appendingPathComponent("bizing.sock").path
        #expect(ready == "bizingd ready on \(socket)")
        let connection = try await RPCClient.connect(socketPath: socket)
        let reply = try await SystemV1.System.Client(connection).ping(SystemV1.PingRequest(payload: Data([1, 2, 3])))
        #expect(reply.payload == Data([1, 2, 3]))
        try await connection.close()

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: socket))
    }

    private func readLine(_ handle: FileHandle) throws -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = try #require(try handle.read(upToCount: 1), "bizingd exited before printing its ready line")
            guard let first = byte.first else { throw CocoaError(.fileReadUnknown) }
            if first == UInt8(ascii: "\n") { break }
            bytes.append(first)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
