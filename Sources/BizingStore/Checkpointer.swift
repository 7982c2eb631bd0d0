import Dispatch
import GRDB
import Synchronization

/// Copies the WAL back into the database file from a connection of its own,
/// so that the writer never does it. SQLite's automatic checkpoint runs on
/// the connection that commits, inside the commit: with group commit that
/// put every few batches' callers behind a copy of a thousand pages and a
/// sync of the database file. A PASSIVE checkpoint from another connection
/// runs beside the writer (it takes no write lock), and the writer restarts
/// the WAL from its start at its next commit once the checkpoint has caught
/// up. A commit asks for one `delay` later; commits meanwhile join it, so
/// there are at most a few a second under load and none when idle.
final class Checkpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "bizing.store.checkpoint")
    private let delay: DispatchTimeInterval
    /// (one is scheduled, the store is closing)
    private let state = Mutex((scheduled: false, stopped: false))

    init(path: String, busyTimeout: Double, delay: DispatchTimeInterval = .milliseconds(50)) throws {
        var configuration = Configuration()
        configuration.label = "bizing.checkpointer"
        configuration.busyMode = .timeout(busyTimeout)
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.delay = delay
    }

    /// After a commit: a checkpoint soon, unless one is scheduled already.
    func committed() {
        let schedule = state.withLock { state -> Bool in
            guard !state.scheduled, !state.stopped else { return false }
            state.scheduled = true
            return true
        }
        guard schedule else { return }
        queue.asyncAfter(deadline: .now() + delay) { [self] in
            let stopped = state.withLock { state -> Bool in
                state.scheduled = false
                return state.stopped
            }
            guard !stopped else { return }
            // SQLITE_BUSY (another checkpoint, a backup) only means next time.
            _ = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
        }
    }

    /// Waits for a checkpoint under way, then closes the connection.
    func stop() {
        guard state.withLock({ state in defer { state.stopped = true }; return !state.stopped }) else { return }
        queue.sync {}
        try? connection.close()
    }
}
