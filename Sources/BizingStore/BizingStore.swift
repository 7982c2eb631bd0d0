public import GRDB
import Foundation
import Synchronization

/// The server's SQLite database: opened once at start, configured the same
/// way every time, migrated (`migrate()`), closed at stop. It also carries
/// what every context's store code shares: the injected `clock`, the id
/// generator `ids`, and `write`/`read`, the one-transaction-per-call helpers.
///
/// Configuration, on every connection of the pool:
/// - WAL journal mode (readers never wait for the writer),
/// - `foreign_keys = ON`,
/// - a busy timeout of `busyTimeout` (5 s by default) instead of failing at once,
/// - `synchronous = FULL` on the writer by default (a committed booking
///   survives a power cut), `NORMAL` on request (`SynchronousMode`).
public final class BizingStore: Sendable {
    public static let defaultBusyTimeout: Duration = .seconds(5)

    /// The database file.
    public let path: String
    /// The connection pool: one writer, several readers.
    public let pool: DatabasePool
    /// The time, for every timestamp the store and the contexts write.
    public let clock: any Clock
    /// Time-ordered ids (UUID v7) from `clock`.
    public let ids: IDGenerator
    /// How commits are synced.
    public let synchronous: SynchronousMode
    /// Set by the first `close()`: GRDB must not touch a closed connection.
    private let closed = Mutex(false)
    /// Writes that arrive together commit together (see `GroupCommit`).
    let groupCommit: GroupCommit
    /// Decoded reference rows, trusted while their organization's epoch holds.
    public let references = ReferenceCache()

    /// Copies the WAL into the database file beside the writer, after commits.
    private let checkpointer: Checkpointer

    private init(path: String, pool: DatabasePool, clock: any Clock, ids: IDGenerator, synchronous: SynchronousMode, checkpointer: Checkpointer) {
        self.checkpointer = checkpointer
        self.path = path
        self.pool = pool
        self.clock = clock
        self.ids = ids
        self.synchronous = synchronous
        self.groupCommit = GroupCommit(pool: pool, committed: { [checkpointer] in checkpointer.committed() })
    }

    /// Opens (creating if missing) the database at `path`. A missing folder is
    /// created 0700 and a new file 0600 (SQLite gives its `-wal` and `-shm`
    /// files the same mode).
    ///
    /// Opening does not migrate: call `migrate()` next.
    ///
    /// - Parameters:
    ///   - synchronous: `.full` (the default) or `.normal`, on the writer.
    ///   - clock: the time for timestamps and ids; the system clock by default.
    ///   - ids: the id generator; by default one on `clock` with the system's
    ///     random numbers.
    /// - Throws: `StoreError` naming the path and what went wrong: a folder
    ///   that cannot be created, a path that is a folder, a file that cannot be
    ///   opened or is not a SQLite database.
    public static func open(
        path: String, busyTimeout: Duration = defaultBusyTimeout, synchronous: SynchronousMode = .full,
        clock: any Clock = SystemClock(), ids: IDGenerator? = nil
    ) throws(StoreError) -> BizingStore {
        guard !path.isEmpty else { throw StoreError("the database path is empty") }
        let folder = (path as NSString).deletingLastPathComponent
        try createFolder(folder.isEmpty ? "." : folder, for: path)
        try createFile(path)

        var configuration = Configuration()
        configuration.label = "bizing"
        configuration.journalMode = .wal
        configuration.foreignKeysEnabled = true
        let timeout = busyTimeout.components
        let milliseconds = max(0, timeout.seconds * 1000 + timeout.attoseconds / 1_000_000_000_000_000)
        configuration.busyMode = .timeout(Double(milliseconds) / 1000)
        configuration.prepareDatabase { db in
            // GRDB gives its reader connections a busy timeout of their own
            // (10 s); every connection gets ours.
            try db.execute(sql: "PRAGMA busy_timeout = \(milliseconds)")
            // Group commit runs each write in a savepoint, whose journal
            // SQLite spills to a temporary file past 64 KiB: keep it in memory.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets synchronous = NORMAL on the writer when it turns WAL on;
            // the writer is the one connection that commits, so ours goes there.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = \(synchronous.pragma)") }
            // Checkpoints run beside the writer after its commits (Checkpointer), not in them.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            // Reader connections open lazily: open one now, so a file that is
            // not a database fails here rather than on the first call.
            _ = try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
        } catch let error as DatabaseError {
            throw StoreError("cannot open the database \(path): \(error.message ?? "\(error.resultCode)")")
        } catch {
            throw StoreError("cannot open the database \(path): \(error)")
        }
        let checkpointer: Checkpointer
        do {
            checkpointer = try Checkpointer(path: path, busyTimeout: Double(milliseconds) / 1000)
        } catch {
            try? pool.close()
            throw StoreError("cannot open the database \(path): \(error)")
        }
        return BizingStore(path: path, pool: pool, clock: clock, ids: ids ?? IDGenerator(clock: clock), synchronous: synchronous,
                           checkpointer: checkpointer)
    }

    /// Runs `SELECT 1` on a reader connection; throws if the database cannot answer.
    public func check() async throws {
        let one = try await pool.read { try Int.fetchOne($0, sql: "SELECT 1") }
        guard one == 1 else { throw StoreError("SELECT 1 returned \(one.map(String.init) ?? "nothing")") }
    }

    /// Closes every connection. Later reads and writes fail.
    /// Folds the write-ahead log into the database file (so the file alone
    /// is a complete copy, for a backup), then closes every connection.
    /// Closing again does nothing.
    public func close() throws {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        checkpointer.stop()
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try pool.close()
    }

    private static func createFolder(_ folder: String, for path: String) throws(StoreError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw StoreError("cannot create the database \(path): \(folder) is not a folder") }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError("cannot create the database folder \(folder): \(Self.reason(error))")
        }
    }

    private static func createFile(_ path: String) throws(StoreError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue { throw StoreError("cannot open the database \(path): it is a folder") }
            return
        }
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { return }  // created meanwhile: SQLite opens it
            throw StoreError("cannot create the database \(path): \(String(cString: strerror(code)))")
        }
        _ = Foundation.close(fd)
    }

    private static func reason(_ error: any Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        return error.localizedDescription
    }
}
