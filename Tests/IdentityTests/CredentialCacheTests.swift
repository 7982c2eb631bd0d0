import BizingWire
import Foundation
import Synchronization
import Testing
@testable import Identity

/// The credential cache's rules (pure, no database): a clear forgets
/// everything, a look-up that raced a clear stores nothing, it never grows
/// past its capacity; and the password workers' bound.
@Suite struct CredentialCacheTests {
    static func principal(_ n: UInt8) -> Principal {
        Principal(credential: .session(id: id(Int(n)), userID: id(Int(n) + 1_000)), expiresAt: nil)
    }

    static func hash(_ n: UInt8) -> TokenHash {
        TokenHash(bytes: [UInt8](repeating: n, count: 32))!
    }

    @Test func storesAndForgets() {
        let cache = CredentialCache()
        let (missing, generation) = cache.lookUp(Self.hash(1))
        #expect(missing == nil)
        cache.store(Self.principal(1), for: Self.hash(1), readAt: generation)
        #expect(cache.lookUp(Self.hash(1)).principal == Self.principal(1))
        cache.invalidateAll()
        #expect(cache.lookUp(Self.hash(1)).principal == nil)
    }

    @Test func aLookUpThatRacedAnInvalidationStoresNothing() {
        let cache = CredentialCache()
        // Read the generation, then (as if a sign-out committed meanwhile) clear, then store.
        let (_, generation) = cache.lookUp(Self.hash(2))
        cache.invalidateAll()
        cache.store(Self.principal(2), for: Self.hash(2), readAt: generation)
        #expect(cache.lookUp(Self.hash(2)).principal == nil, "a stale answer must not outlive the sign-out")
    }

    @Test func neverHoldsMoreThanItsCapacity() {
        let cache = CredentialCache(capacity: 8)
        for n in 0..<UInt8(50) {
            let (_, generation) = cache.lookUp(Self.hash(n))
            cache.store(Self.principal(n), for: Self.hash(n), readAt: generation)
        }
        let held = (0..<UInt8(50)).filter { cache.lookUp(Self.hash($0)).principal != nil }.count
        #expect(held >= 1 && held <= 8)
        #expect(cache.lookUp(Self.hash(49)).principal == Self.principal(49), "the newest is kept")
    }

    @Test func passwordWorkersRefuseBeyondTheirQueue() async throws {
        let workers = PasswordWorkers(hasher: PasswordHasher(parameters: fastParameters), limit: 1, maximumWaiting: 1)
        let gate = DispatchSemaphore(value: 0)
        let started = Mutex(0)
        // One running (held at the gate), one waiting: the third is refused at once.
        async let running: Void = workers.run { _ in
            started.withLock { $0 += 1 }
            gate.wait()
        }
        while started.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        async let waiting: Void = workers.run { _ in }
        while workers.waitingCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let refused = await #expect(throws: RPCStatus.self) { try await workers.run { _ in } }
        #expect(refused?.code == .resourceExhausted)
        gate.signal()
        try await running
        try await waiting
        // With the queue drained, work runs again.
        #expect(try await workers.run { _ in 42 } == 42)
    }
}
