import Dispatch
import GRDB
import Synchronization

/// Copies the WAL back into the database file from a connection of its own,
/// every `interval`, so that the writer never does it. SQLite's automatic
/// checkpoint runs on the connection that commits, inside the commit: with
/// group commit that put every few batches' callers behind a copy of a
/// thousand pages and a sync of the database file. A PASSIVE checkpoint
/// from another connection runs beside the writer (it takes no write lock)
/// and the writer restarts the WAL from its start at its next commit once
/// the checkpoint has caught up.
final class Checkpointer: Sendable {
    private let connection: DatabaseQueue
    // DispatchSource is thread-safe; Swift does not know it.
    nonisolated(unsafe) private let timer: any DispatchSourceTimer
    private let stopped = Mutex(false)

    init(path: String, busyTimeout: Double, interval: DispatchTimeInterval = .milliseconds(50)) throws {
        var configuration = Configuration()
        configuration.label = "bizing.checkpointer"
        configuration.busyMode = .timeout(busyTimeout)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        let queue = DispatchQueue(label: "bizing.store.checkpoint")
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(10))
        timer.setEventHandler { [connection] in
            // SQLITE_BUSY (another checkpoint, a backup) only means next time.
            _ = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
        }
        timer.activate()
    }

    /// Stops the timer (waiting for a checkpoint under way) and closes the connection.
    func stop() {
        guard stopped.withLock({ stopped in defer { stopped = true }; return !stopped }) else { return }
        timer.cancel()
        try? connection.close()
    }
}
