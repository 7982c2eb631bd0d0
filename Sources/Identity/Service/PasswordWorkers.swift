import BizingWire
import Dispatch
import Synchronization

/// Runs password hashing off the event loops and the Swift concurrency
/// pool, at most `limit` derivations at once (each holds 128 MiB and a core
/// for a few hundred milliseconds at OWASP's parameters), with at most
/// `maximumWaiting` callers queued; beyond that a call gets
/// RESOURCE_EXHAUSTED at once rather than memory growing with the queue.
public final class PasswordWorkers: Sendable {
    public let hasher: PasswordHasher
    public let limit: Int
    public let maximumWaiting: Int
    private let queue = DispatchQueue(label: "bizing.password-workers", attributes: .concurrent)
    private let state: Mutex<State>

    private struct State {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    public init(hasher: PasswordHasher, limit: Int, maximumWaiting: Int = 64) {
        precondition(limit >= 1 && maximumWaiting >= 0)
        self.hasher = hasher
        self.limit = limit
        self.maximumWaiting = maximumWaiting
        self.state = Mutex(State())
    }

    /// Runs `work` with the hasher on a worker thread once a slot is free.
    public func run<T: Sendable>(_ work: @escaping @Sendable (PasswordHasher) throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        let hasher = self.hasher
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work(hasher) }) }
        }
    }

    /// Callers queued for a slot now.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    private enum Admission { case run, wait, refuse }

    private func acquire() async throws {
        let admission: Admission = state.withLock { state in
            if state.running < limit {
                state.running += 1
                return .run
            }
            return state.waiting.count < maximumWaiting ? .wait : .refuse
        }
        switch admission {
        case .run:
            return
        case .refuse:
            throw RPCStatus(.resourceExhausted, "too many sign-ins and password changes at once; retry shortly",
                            details: StatusDetails(retryDelayMillis: 500))
        case .wait:
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    // A slot may have freed between the two locks.
                    if state.running < limit {
                        state.running += 1
                        return true
                    }
                    state.waiting.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Hands the slot to the first waiter, or frees it.
    private func release() {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
