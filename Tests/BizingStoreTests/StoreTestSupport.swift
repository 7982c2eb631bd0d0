import Foundation
import GRDB
import BizingStore

/// A store in a fresh temporary folder, removed by `remove()`.
struct TemporaryStore {
    let folder: URL
    let store: BizingStore
    var path: String { store.path }

    /// Opens a new database (not migrated).
    init(
        synchronous: SynchronousMode = .full, busyTimeout: Duration = BizingStore.defaultBusyTimeout,
        clock: any Clock = TestClock()
    ) throws {
        folder = try temporaryFolder()
        store = try BizingStore.open(
            path: folder.appendingPathComponent("bizing.sqlite").path, busyTimeout: busyTimeout,
            synchronous: synchronous, clock: clock)
    }

    /// Opens a new database migrated with this binary's migrations.
    static func migrated(synchronous: SynchronousMode = .full, clock: any Clock = TestClock()) async throws -> TemporaryStore {
        let temporary = try TemporaryStore(synchronous: synchronous, clock: clock)
        try await temporary.store.migrate()
        return temporary
    }

    func remove() {
        try? store.close()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Waits (polling) until `condition` holds, for at most `timeout`.
func waitUntil(timeout: Duration = .seconds(5), _ condition: @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { throw StoreError("timed out waiting") }
        try await Task.sleep(for: .milliseconds(2))
    }
}

extension Database {
    /// The SQLite error code of what `body` throws, or nil when it succeeds.
    func failure(_ body: (Database) throws -> Void) -> ResultCode? {
        do {
            try inSavepoint {
                try body(self)
                return .commit
            }
            return nil
        } catch let error as DatabaseError {
            return error.extendedResultCode
        } catch {
            return .SQLITE_ERROR
        }
    }

    /// The SQLite message of what `body` throws (a RESTRICT foreign key
    /// reports SQLITE_CONSTRAINT_TRIGGER, not _FOREIGNKEY), or nil.
    func failureMessage(_ body: (Database) throws -> Void) -> String? {
        do {
            try inSavepoint {
                try body(self)
                return .commit
            }
            return nil
        } catch let error as DatabaseError {
            return error.message
        } catch {
            return "\(error)"
        }
    }
}
