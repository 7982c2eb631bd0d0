import Dispatch
import GRDB
import Synchronization

/// Group commit: the writes that arrive while a commit is syncing are run
/// together in the next transaction, each in a savepoint of its own, and
/// committed with one sync. A caller's write is still all or nothing and is
/// answered only once the commit holding it is durable; writes run one after
/// another on the one writer connection, each seeing those before it. What
/// changes is the cost: one fsync for a batch instead of one per write, the
/// difference between hundreds and thousands of bookings a second with
/// synchronous=FULL.
///
/// A write that throws rolls back its own savepoint only. An error that
/// leaves SQLite's transaction unusable (the disk full, an I/O error) rolls
/// back the whole batch; its writes are then run again one transaction each,
/// so one write's failure never fails another's (their bodies must be, as
/// every store.write body is, free of effects outside the database).
final class GroupCommit: Sendable {
    /// One caller's write, erased to what the drainer needs.
    private final class Job: @unchecked Sendable {
        /// Runs the body in the current transaction; false if it threw.
        let run: (Database) -> Bool
        /// Answers the caller: the body's outcome, or the batch's failure.
        let finish: ((any Error)?) -> Void

        init(run: @escaping (Database) -> Bool, finish: @escaping ((any Error)?) -> Void) {
            self.run = run
            self.finish = finish
        }
    }

    /// A body's outcome, set on the writer's thread and read after the commit.
    private final class Outcome<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }

    static let maximumBatch = 64
    private let waiting = Mutex<(jobs: [Job], draining: Bool)>(([], false))
    private let queue = DispatchQueue(label: "bizing.store.group-commit")
    private let pool: DatabasePool
    /// Told of every commit (the WAL grew).
    private let committed: @Sendable () -> Void

    init(pool: DatabasePool, committed: @escaping @Sendable () -> Void = {}) {
        self.pool = pool
        self.committed = committed
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = Outcome<T>()
            let job = Job(run: { db in
                do {
                    var value: T?
                    try db.inSavepoint {
                        value = try body(db)
                        return .commit
                    }
                    outcome.result = .success(value!)
                    return true
                } catch {
                    outcome.result = .failure(error)
                    return !(error is DatabaseError)
                }
            }, finish: { batchFailure in
                if let batchFailure {
                    continuation.resume(throwing: batchFailure)
                } else {
                    continuation.resume(with: outcome.result ?? .failure(CancellationError()))
                }
            })
            let start = waiting.withLock { state -> Bool in
                state.jobs.append(job)
                defer { state.draining = true }
                return !state.draining
            }
            if start { queue.async { self.drain() } }
        }
    }

    /// Commits batches until no write waits.
    private func drain() {
        while true {
            let batch = waiting.withLock { state -> [Job] in
                let batch = Array(state.jobs.prefix(Self.maximumBatch))
                state.jobs.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            if !commit(batch) {
                // The batch was rolled back as a whole: each write alone.
                for job in batch { _ = commit([job]) }
            }
        }
    }

    /// Runs `jobs` in one IMMEDIATE transaction and answers them; false
    /// (nobody answered) when a database error inside one of them forced
    /// the whole batch back and there were others to retry alone.
    private func commit(_ jobs: [Job]) -> Bool {
        struct BatchAborted: Error {}
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for job in jobs where !job.run(db) && jobs.count > 1 {
                        throw BatchAborted()
                    }
                    return .commit
                }
            }
            committed()
            for job in jobs { job.finish(nil) }
            return true
        } catch is BatchAborted {
            return false
        } catch {
            for job in jobs { job.finish(error) }
            return true
        }
    }
}
