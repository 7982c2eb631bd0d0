import Testing
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import BizingAPI
import BizingClient
import BizingRPC
import BizingStore
@testable import BizingServer

func posixMode(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
}

func groupOwner(_ path: String) throws -> gid_t {
    var info = stat()
    try #require(stat(path, &info) == 0)
    return info.st_gid
}

/// The name of this process's primary group.
func primaryGroupName() throws -> String {
    let entry = try #require(getgrgid(getgid()))
    return String(cString: entry.pointee.gr_name)
}

/// The database, the socket group, and running under swift-service-lifecycle.
@Suite struct LifecycleTests {
    @Test func theDatabaseIsOpenedBesideTheSocketAndHealthFollowsIt() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1)
        #expect(configuration.databasePath == folder.appendingPathComponent("bizing.sqlite").path)
        let server = try await BizingServer.start(configuration)
        #expect(FileManager.default.fileExists(atPath: configuration.databasePath + "-wal"))
        let connection = try await RPCClient.connect(socketPath: configuration.socketPath)
        let system = SystemV1.System.Client(connection)
        #expect(try await system.health(SystemV1.HealthRequest()).status == .serving)
        // A database that no longer answers SELECT 1 makes the server NOT_SERVING.
        try server.database.close()
        #expect(try await system.health(SystemV1.HealthRequest()).status == .notServing)
        try await connection.close()
        try await server.stop()
        #expect(!FileManager.default.fileExists(atPath: configuration.socketPath))
    }

    @Test func aDatabaseThatCannotBeOpenedStopsTheStartCleanly() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("bizing.sock").path
        let notADatabase = folder.appendingPathComponent("notes.txt")
        try Data(repeating: 0x41, count: 2048).write(to: notADatabase)
        let error = await #expect(throws: ServerStartError.self) {
            _ = try await BizingServer.start(ServerConfiguration(socketPath: socket, databasePath: notADatabase.path, threads: 1))
        }
        #expect(error?.description.contains("not a database") == true)
        #expect(error?.description.contains(notADatabase.path) == true)
        // Nothing was left holding the socket: a good start succeeds.
        let server = try await BizingServer.start(ServerConfiguration(socketPath: socket, threads: 1))
        try await server.stop()
    }

    @Test func aSocketGroupMakesTheSocket0660AndItsNewFolder0750() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = try primaryGroupName()
        let socket = folder.appendingPathComponent("shared/bizing.sock").path
        let server = try await BizingServer.start(ServerConfiguration(
            socketPath: socket, databasePath: folder.appendingPathComponent("db/bizing.sqlite").path, threads: 1, socketGroup: name))
        #expect(try posixMode(socket) == 0o660)
        #expect(try groupOwner(socket) == getgid())
        #expect(try posixMode(folder.appendingPathComponent("shared").path) == 0o750)
        #expect(try groupOwner(folder.appendingPathComponent("shared").path) == getgid())
        // The database stays private.
        #expect(try posixMode(folder.appendingPathComponent("db").path) == 0o700)
        #expect(try posixMode(folder.appendingPathComponent("db/bizing.sqlite").path) == 0o600)
        try await server.stop()
    }

    @Test func anUnknownSocketGroupIsAStartError() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = await #expect(throws: ServerStartError.self) {
            _ = try await BizingServer.start(ServerConfiguration(
                socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1, socketGroup: "no-such-group-bizing"))
        }
        #expect(error?.description.contains("no-such-group-bizing") == true)
        #expect(ServerConfiguration.groupID(named: "no-such-group-bizing") == nil)
        #expect(ServerConfiguration.groupID(named: try primaryGroupName()) == getgid())
    }

    @Test func aSecondServerOnTheSameDatabaseIsRefusedEvenOnAnotherSocket() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("shared.sqlite").path
        let first = try await BizingServer.start(ServerConfiguration(
            socketPath: folder.appendingPathComponent("a.sock").path, databasePath: database, threads: 1))
        let error = await #expect(throws: ServerStartError.self) {
            _ = try await BizingServer.start(ServerConfiguration(
                socketPath: folder.appendingPathComponent("b.sock").path, databasePath: database, threads: 1))
        }
        #expect(error?.description.contains("using the database \(database)") == true)
        #expect(error?.description.contains("--db") == true)
        // The refused start left nothing behind: its socket's lock is free again.
        try await first.stop()
        let second = try await BizingServer.start(ServerConfiguration(
            socketPath: folder.appendingPathComponent("b.sock").path, databasePath: database, threads: 1))
        try await second.stop()
    }

    @Test func stoppingTwiceIsHarmless() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await BizingServer.start(ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1))
        try await server.stop()
        try await server.stop()
    }

    @Test func aServiceGroupStartsItAndItsGracefulShutdownDrainsIt() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let socket = folder.appendingPathComponent("bizing.sock").path
        let ready = Counter()
        let service = BizingService(
            // Its own database: the default one may be in use by a server running on this machine.
            configuration: ServerConfiguration(
                socketPath: socket, databasePath: folder.appendingPathComponent("bizing.sqlite").path, threads: 1, drainTimeout: .seconds(2)),
            logger: RPCServer.silentLogger
        ) { _ in ready.add() }
        let group = ServiceGroup(services: [service], logger: RPCServer.silentLogger)
        let running = Task { try await group.run() }
        try await waitUntil { ready.value == 1 }

        let connection = try await RPCClient.connect(socketPath: socket)
        let system = SystemV1.System.Client(connection)
        _ = try await system.ping(SystemV1.PingRequest(payload: Data([1])))
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(ready.value == 1)
        #expect(!FileManager.default.fileExists(atPath: socket))
        await #expect(throws: (any Error).self) { _ = try await RPCClient.connect(socketPath: socket) }
        try? await connection.close()
    }

    @Test func aStartFailureIsThrownFromTheServiceGroup() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let service = BizingService(
            configuration: ServerConfiguration(
                socketPath: folder.appendingPathComponent("bizing.sock").path,
                databasePath: blocker.appendingPathComponent("bizing.sqlite").path, threads: 1),
            logger: RPCServer.silentLogger)
        let group = ServiceGroup(services: [service], logger: RPCServer.silentLogger)
        await #expect(throws: ServerStartError.self) { try await group.run() }
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// Polls `condition` for up to 60 seconds (a loaded machine is slow: a full suite in parallel on
/// two cores has kept a service from starting for over 20; a met condition returns at once).
func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(60)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 60 s")
            return
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
