import Synchronization

/// The principals of recently used tokens, so a call with a token seen
/// before skips the database (the token look-up was a third of a small
/// call's cost). Correctness rests on three rules:
///
/// - Only this process changes credentials (bizingd holds the database's
///   lock; `bizingd bootstrap` only adds), and every change that can end a
///   credential — sign-out, revocation, an organization's deletion, a
///   user's — calls `invalidateAll()` after it commits.
/// - A look-up that raced such a change cannot store a stale answer: it
///   notes the generation before reading and stores only if no
///   invalidation happened since.
/// - Expiry is checked on every use against the clock, never cached.
///
/// Only tokens that authenticated are kept (unknown ones would let a caller
/// fill memory), at most `capacity` of them; when full, it starts over.
final class CredentialCache: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var principals: [TokenHash: Principal] = [:]
    }

    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The cached principal and the generation to store a fresh look-up under.
    func lookUp(_ hash: TokenHash) -> (principal: Principal?, generation: UInt64) {
        state.withLock { ($0.principals[hash], $0.generation) }
    }

    /// Keeps `principal` if nothing was invalidated since `generation`.
    func store(_ principal: Principal, for hash: TokenHash, readAt generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.principals.count >= capacity { state.principals.removeAll(keepingCapacity: true) }
            state.principals[hash] = principal
        }
    }

    /// Forgets everything: called after any change that can end a credential.
    func invalidateAll() {
        state.withLock { state in
            state.generation &+= 1
            state.principals.removeAll(keepingCapacity: true)
        }
    }
}
