/// How long a hold keeps a slot, from the template's reservation settings:
/// `holdMinutes` at first; extensions, each again `holdMinutes` from now,
/// never past `maxHoldMinutes` after the hold was made (0: no extensions).
public struct HoldTerms: Hashable, Sendable {
    public let holdMinutes: Int
    public let maxHoldMinutes: Int

    public init(holdMinutes: Int, maxHoldMinutes: Int) {
        self.holdMinutes = holdMinutes
        self.maxHoldMinutes = maxHoldMinutes
    }

    /// When a hold made at `createdAt` (UTC seconds) expires.
    public func expiry(createdAt: Int64) -> Int64 {
        createdAt + Int64(holdMinutes) * 60
    }

    /// The latest a hold made at `createdAt` can be extended to.
    public func limit(createdAt: Int64) -> Int64 {
        createdAt + Int64(max(holdMinutes, maxHoldMinutes)) * 60
    }

    public enum Extension: Hashable, Sendable {
        /// The new expiry.
        case extended(until: Int64)
        /// Already expired: its slot may be gone.
        case expired
        /// Already at its limit (or the template allows none).
        case atLimit(Int64)
    }

    /// Extending, at `now`, a hold made at `createdAt` that expires at `expiresAt`.
    public func extend(createdAt: Int64, expiresAt: Int64, now: Int64) -> Extension {
        guard now < expiresAt else { return .expired }
        let limit = limit(createdAt: createdAt)
        guard expiresAt < limit else { return .atLimit(limit) }
        // Never shorter: a second extension within the same second keeps the first's expiry.
        return .extended(until: max(expiresAt, min(now + Int64(holdMinutes) * 60, limit)))
    }
}
