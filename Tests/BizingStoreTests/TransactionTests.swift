import Testing
import Foundation
import GRDB
import Synchronization
import BizingStore

/// `store.write` begins IMMEDIATE: the write lock is taken at BEGIN, so
/// writers on other connections to the file (another store here, another
/// process in life) wait for it, and a read-modify-write loses nothing.
@Suite struct TransactionTests {
    static let counterTable = Migration(version: 1, name: "counter", sql: """
        CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL) STRICT;
        INSERT INTO counter VALUES (1, 0);
        """)

    @Test func aWriteTransactionHoldsTheWriteLockFromItsBegin() async throws {
        let first = try TemporaryStore(synchronous: .normal)
        defer { first.remove() }
        try await first.store.migrate(MigrationSet([Self.counterTable]))
        let second = try BizingStore.open(path: first.path, busyTimeout: .milliseconds(100), synchronous: .normal)
        defer { try? second.close() }

        // The first writer has only read so far, and waits.
        let entered = Atomic(false)
        let release = DispatchSemaphore(value: 0)
        // Runs first on any exit: a writer left waiting would hang the store's close.
        defer { release.signal() }
        let holder = Task {
            try await first.store.write { db throws in
                _ = try Int.fetchOne(db, sql: "SELECT value FROM counter")
                entered.store(true, ordering: .sequentiallyConsistent)
                release.wait()
                try db.execute(sql: "UPDATE counter SET value = 10")
            }
        }
        try await waitUntil(timeout: .seconds(60)) { entered.load(ordering: .sequentiallyConsistent) }
        // A second writer cannot begin: after its busy timeout it gives up.
        let started = ContinuousClock.now
        let error = await #expect(throws: DatabaseError.self) {
            try await second.write { db in try db.execute(sql: "UPDATE counter SET value = 20") }
        }
        #expect(error?.resultCode == .SQLITE_BUSY)
        #expect(ContinuousClock.now - started >= .milliseconds(90))
        // Readers are not blocked.
        #expect(try await second.read { try Int.fetchOne($0, sql: "SELECT value FROM counter") } == 0)
        release.signal()
        try await holder.value
        #expect(try await second.read { try Int.fetchOne($0, sql: "SELECT value FROM counter") } == 10)
    }

    @Test func aSecondWriterWaitsForTheFirstToCommit() async throws {
        let first = try TemporaryStore(synchronous: .normal)
        defer { first.remove() }
        try await first.store.migrate(MigrationSet([Self.counterTable]))
        let second = try BizingStore.open(path: first.path, busyTimeout: .seconds(5), synchronous: .normal)
        defer { try? second.close() }

        let entered = Atomic(false)
        let committed = Atomic(false)
        let release = DispatchSemaphore(value: 0)
        // Runs first on any exit: a writer left waiting would hang the store's close.
        defer { release.signal() }
        let holder = Task {
            try await first.store.write { db throws in
                let value = try Int.fetchOne(db, sql: "SELECT value FROM counter") ?? 0
                entered.store(true, ordering: .sequentiallyConsistent)
                release.wait()
                try db.execute(sql: "UPDATE counter SET value = ?", arguments: [value + 1])
            }
            committed.store(true, ordering: .sequentiallyConsistent)
        }
        try await waitUntil(timeout: .seconds(60)) { entered.load(ordering: .sequentiallyConsistent) }
        let waiter = Task {
            try await second.write { db -> Int in
                let value = try Int.fetchOne(db, sql: "SELECT value FROM counter") ?? 0
                try db.execute(sql: "UPDATE counter SET value = ?", arguments: [value + 1])
                return value
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        release.signal()
        try await holder.value
        // The second began after the first committed, so it read 1, not 0.
        #expect(try await waiter.value == 1)
        let firstCommitted = committed.load(ordering: .sequentiallyConsistent)
        #expect(firstCommitted)
        #expect(try await second.read { try Int.fetchOne($0, sql: "SELECT value FROM counter") } == 2)
    }

    @Test func concurrentReadModifyWritesLoseNoUpdate() async throws {
        // 8 tasks x 50 increments, spread over two stores (two connections
        // to the file, as two processes would have).
        let first = try TemporaryStore(synchronous: .normal)
        defer { first.remove() }
        try await first.store.migrate(MigrationSet([Self.counterTable]))
        let second = try BizingStore.open(path: first.path, synchronous: .normal)
        defer { try? second.close() }
        let stores = [first.store, second]

        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                let store = stores[task % 2]
                group.addTask {
                    for _ in 0..<50 {
                        try await store.write { db throws in
                            let value = try Int.fetchOne(db, sql: "SELECT value FROM counter WHERE id = 1") ?? 0
                            try db.execute(sql: "UPDATE counter SET value = ? WHERE id = 1", arguments: [value + 1])
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await first.store.read { try Int.fetchOne($0, sql: "SELECT value FROM counter") } == 400)
    }

    @Test func aThrowingWriteRollsBack() async throws {
        let temporary = try TemporaryStore()
        defer { temporary.remove() }
        try await temporary.store.migrate(MigrationSet([Self.counterTable]))
        await #expect(throws: StoreError.self) {
            try await temporary.store.write { db throws in
                try db.execute(sql: "UPDATE counter SET value = 99")
                throw StoreError("changed my mind")
            }
        }
        #expect(try await temporary.store.read { try Int.fetchOne($0, sql: "SELECT value FROM counter") } == 0)
        #expect(try await temporary.store.write { try Int.fetchOne($0, sql: "SELECT value FROM counter") } == 0)
    }

    @Test func synchronousIsFullByDefaultAndNormalOnRequest() async throws {
        let full = try TemporaryStore()
        defer { full.remove() }
        #expect(full.store.synchronous == .full)
        #expect(try await full.store.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        let normal = try TemporaryStore(synchronous: .normal)
        defer { normal.remove() }
        #expect(try await normal.store.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1)
    }
}

/// The WAL is copied into the database file by the store's checkpointer, on
/// a connection of its own: the writer's automatic checkpoint is off, so
/// without it the file would stay as it was and the WAL would only grow.
@Suite struct CheckpointerTests {
    @Test func writesReachTheDatabaseFileWithoutTheWriterCheckpointing() async throws {
        let temporary = try TemporaryStore(synchronous: .normal)
        defer { temporary.remove() }
        let store = temporary.store
        try await store.migrate(MigrationSet([Migration(version: 1, name: "blobs", sql: "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL) STRICT;")]))
        #expect(try await store.write { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } == 0)
        func fileSize() throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: temporary.path)[.size] as? NSNumber)?.intValue ?? 0
        }
        let before = try fileSize()
        for _ in 0..<8 {
            try await store.write { db in
                for _ in 0..<64 { try db.execute(sql: "INSERT INTO blobs (data) VALUES (zeroblob(8192))") }
            }
        }
        // 4 MiB written: the file holds them within moments.
        let deadline = ContinuousClock.now + .seconds(10)
        while try fileSize() < before + 4 * 1024 * 1024, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try fileSize() >= before + 4 * 1024 * 1024)
    }
}
