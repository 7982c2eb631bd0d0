import BizingTools
import Testing
import Foundation
import BizingStore
@testable import BizingServer

/// The server migrates its database at start, before binding the socket, and
/// refuses one migrated by a newer bizingd.
@Suite struct DatabaseMigrationTests {
    /// This binary's migrations plus one it does not know.
    static func newerSet() throws -> MigrationSet {
        let known = try MigrationSet.bizing.migrations
        return try MigrationSet(known + [
            Migration(version: known.count + 1, name: "from_the_future", sql: "CREATE TABLE future (x INTEGER) STRICT;")
        ])
    }

    @Test func startMigratesANewDatabase() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await BizingServer.start(ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1))
        let applied = try await server.database.appliedMigrations()
        #expect(applied.map(\.version) == (try MigrationSet.bizing.migrations.map(\.version)))
        #expect(server.database.synchronous == .full)
        try await server.stop()
        // A second start finds nothing to do and keeps what it found.
        let again = try await BizingServer.start(ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1))
        #expect(try await again.database.appliedMigrations() == applied)
        try await again.stop()
    }

    @Test func aDatabaseFromANewerBizingdStopsTheStartBeforeTheSocketIsBound() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bizing.sqlite").path
        let store = try BizingStore.open(path: path)
        try await store.migrate(Self.newerSet())
        try store.close()

        let socket = folder.appendingPathComponent("bizing.sock").path
        let error = await #expect(throws: ServerStartError.self) {
            _ = try await BizingServer.start(ServerConfiguration(socketPath: socket, databasePath: path, threads: 1))
        }
        let message = try #require(error?.description)
        #expect(message.contains("migrated by a newer version of bizingd"), "\(message)")
        #expect(message.contains("_from_the_future"))
        #expect(message.contains(path))
        #expect(!FileManager.default.fileExists(atPath: socket), "nothing was bound")
        // The lock was released: a start on another database succeeds.
        let server = try await BizingServer.start(ServerConfiguration(
            socketPath: socket, databasePath: folder.appendingPathComponent("other.sqlite").path, threads: 1))
        try await server.stop()
    }

    @Test func synchronousNormalIsAConfigurationChoice() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ServerConfiguration(socketPath: folder.appendingPathComponent("bizing.sock").path, threads: 1)
        configuration.synchronous = .normal
        let server = try await BizingServer.start(configuration)
        #expect(server.database.synchronous == .normal)
        try await server.stop()
    }

    @Test func bizingdRefusesANewerDatabaseWithAClearMessage() async throws {
        let elsewhere = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let path = elsewhere.appendingPathComponent("bizing.sqlite").path
        let store = try BizingStore.open(path: path)
        try await store.migrate(Self.newerSet())
        try store.close()
        let daemon = try Daemon(["--db", path])
        #expect(try daemon.readLine() == nil, "no ready line")
        #expect(try await daemon.waitForExit() == 1)
        let errors = daemon.standardError()
        #expect(errors.contains("bizingd: the database \(path) was migrated by a newer version of bizingd"), "stderr: \(errors)")
        #expect(!FileManager.default.fileExists(atPath: daemon.defaultSocket), "nothing was bound")
    }

    @Test func bizingdTakesSynchronous() async throws {
        let daemon = try Daemon(["--synchronous", "normal", "--log-level", "info"])
        #expect(try daemon.readLine() == "bizingd ready on \(daemon.defaultSocket)")
        daemon.process.terminate()
        #expect(try await daemon.waitForExit() == 0)
        let errors = daemon.standardError()
        #expect(errors.contains("synchronous=normal"), "stderr: \(errors)")
        #expect(errors.contains("migration=0001_identity"), "stderr: \(errors)")

        let bad = try Daemon(["--synchronous", "off"])
        #expect(try bad.readLine() == nil)
        #expect(try await bad.waitForExit() != 0)
        #expect(bad.standardError().contains("--synchronous must be full or normal, not 'off'"))
    }
}
