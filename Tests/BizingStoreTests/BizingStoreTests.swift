import Testing
import Foundation
import GRDB
import BizingStore

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("bizing-store-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func mode(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
}

@Suite struct BizingStoreTests {
    @Test func opensANewDatabaseConfigured() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("data/nested/bizing.sqlite").path
        let store = try BizingStore.open(path: path)
        defer { try? store.close() }

        #expect(try mode(folder.appendingPathComponent("data/nested").path) == 0o700)
        #expect(try mode(path) == 0o600)
        try await store.pool.write { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            #expect(try Int.fetchOne(db, sql: "PRAGMA foreign_keys") == 1)
            #expect(try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2)  // FULL
            #expect(try Int.fetchOne(db, sql: "PRAGMA busy_timeout") == 5000)
            // Foreign keys are enforced, not only declared.
            try db.execute(sql: "CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            try db.execute(sql: "CREATE TABLE child (parent INTEGER NOT NULL REFERENCES parent(id))")
            #expect(throws: DatabaseError.self) { try db.execute(sql: "INSERT INTO child (parent) VALUES (7)") }
        }
        // Readers are configured the same way.
        let reader = try await store.pool.read { db in
            [try Int.fetchOne(db, sql: "PRAGMA foreign_keys"), try Int.fetchOne(db, sql: "PRAGMA busy_timeout")]
        }
        #expect(reader == [1, 5000])
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(try mode(path + "-wal") == 0o600)
        try await store.check()
    }

    @Test func reopensWhatItWrote() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("bizing.sqlite").path
        let first = try BizingStore.open(path: path)
        try await first.pool.write { db in
            try db.execute(sql: "CREATE TABLE note (text TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO note (text) VALUES ('kept')")
        }
        try first.close()
        let second = try BizingStore.open(path: path, busyTimeout: .milliseconds(250))
        defer { try? second.close() }
        #expect(try await second.pool.read { try String.fetchOne($0, sql: "SELECT text FROM note") } == "kept")
        #expect(try await second.pool.read { try Int.fetchOne($0, sql: "PRAGMA busy_timeout") } == 250)
    }

    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("notes.txt").path
        try Data(repeating: UInt8(ascii: "x"), count: 4096).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try BizingStore.open(path: path) }
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("not a database") == true)
    }

    @Test func aPathBelowAFileIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        let error = #expect(throws: StoreError.self) { try BizingStore.open(path: file.appendingPathComponent("sub/bizing.sqlite").path) }
        #expect(error?.description.contains("cannot create the database folder") == true)
        let direct = #expect(throws: StoreError.self) { try BizingStore.open(path: file.appendingPathComponent("bizing.sqlite").path) }
        #expect(direct?.description.contains("is not a folder") == true)
    }

    @Test func aFolderIsNotADatabase() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: StoreError.self) { try BizingStore.open(path: folder.path) }
        #expect(error?.description.contains("is a folder") == true)
    }

    @Test func aClosedStoreFailsItsCheck() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try BizingStore.open(path: folder.appendingPathComponent("bizing.sqlite").path)
        try await store.check()
        try store.close()
        await #expect(throws: (any Error).self) { try await store.check() }
    }
}
