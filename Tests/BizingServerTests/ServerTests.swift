import Testing
import Foundation
import BizingAPI
import BizingClient
import BizingRPC
@testable import BizingServer

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-server-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct ServerTests {
    @Test func pingThroughTheGeneratedClient() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await BizingServer.start(ServerConfiguration(socketPath: folder.appendingPathComponent("data/bizing.sock").path, threads: 1))
        let connection = try await RPCClient.connect(socketPath: server.configuration.socketPath)
        let system = SystemV1.System.Client(connection)
        let reply = try await system.ping(SystemV1.PingRequest(payload: Data("hi".utf8)))
        #expect(reply.payload == Data("hi".utf8))
        try await connection.close()
        try await server.stop()
    }

    @Test func theSocketAndItsFolderArePrivate() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("new/bizing.sock").path
        let server = try await BizingServer.start(ServerConfiguration(socketPath: socket, threads: 1))
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("new").path)[.posixPermissions] as? Int
        let socketMode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        #expect(socketMode == 0o600)
        try await server.stop()
    }

    @Test func aSecondServerRefusesWhileTheFirstLives() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1)
        let first = try await BizingServer.start(configuration)
        await #expect(throws: ServerStartError.self) { _ = try await BizingServer.start(configuration) }
        // The first one still answers.
        let connection = try await RPCClient.connect(socketPath: configuration.socketPath)
        _ = try await SystemV1.System.Client(connection).ping(SystemV1.PingRequest())
        try await connection.close()
        try await first.stop()
        // Once it has stopped, the path is free again.
        let second = try await BizingServer.start(configuration)
        try await second.stop()
    }

    @Test func aStaleSocketFileIsReplaced() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bizing.sock").path
        // A crashed server leaves its socket file behind, but no lock holder.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        close(stale)
        #expect(FileManager.default.fileExists(atPath: path))
        let server = try await BizingServer.start(ServerConfiguration(socketPath: path, threads: 1))
        let connection = try await RPCClient.connect(socketPath: path)
        _ = try await SystemV1.System.Client(connection).ping(SystemV1.PingRequest())
        try await connection.close()
        try await server.stop()
    }
}
