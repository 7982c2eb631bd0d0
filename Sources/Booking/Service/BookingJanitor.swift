import BizingStore
import Foundation
import GRDB
import Scheduling

/// Releases what expired holds reserved and forgets idempotency keys after
/// a day. An expired hold reserves nothing already (searches and checks
/// compare its expiry with the clock); this keeps the tables small.
public struct BookingJanitor: Sendable {
    let environment: BookingEnvironment
    /// How long an idempotency key's answer is kept.
    static let keyLifetime: Int64 = 24 * 3600

    init(_ environment: BookingEnvironment) {
        self.environment = environment
    }

    /// One sweep; how many holds' reservations and keys it removed.
    @discardableResult
    public func sweep() async throws -> (holds: Int, keys: Int) {
        let ledger = environment.ledger
        let now = Int64(environment.store.clock.now.timeIntervalSince1970.rounded(.down))
        return try await environment.store.write { db in
            let holds = try ledger.removeExpiredHolds(db, now: now)
            let keys = try BookingTables.forgetKeys(db, before: now - Self.keyLifetime)
            return (holds, keys)
        }
    }

    /// Sweeps every `interval` until the task is cancelled; a failed sweep
    /// is retried at the next.
    public func run(every interval: Duration, onError: @Sendable (any Error) -> Void = { _ in }) async {
        while !Task.isCancelled {
            do { try await sweep() } catch { onError(error) }
            try? await Task.sleep(for: interval)
        }
    }
}
