public import Foundation

/// When a stored session or service token was issued, expires (if ever) and
/// was revoked (if it was): what decides, at a given instant, whether it
/// still authenticates. The instant comes from the injected clock.
public struct CredentialLifetime: Hashable, Sendable {
    public enum State: Hashable, Sendable {
        case active
        case expired
        case revoked
    }

    public let issuedAt: Date
    public let expiresAt: Date?
    public let revokedAt: Date?

    public init(issuedAt: Date, expiresAt: Date?, revokedAt: Date? = nil) {
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// Revocation wins over expiry; a token is expired from its expiry on
    /// (`now == expiresAt` is expired).
    public func state(at now: Date) -> State {
        if revokedAt != nil { return .revoked }
        if let expiresAt, now >= expiresAt { return .expired }
        return .active
    }

    /// Sign-out and revocation: the first revocation's time stays.
    public func revoked(at now: Date) -> CredentialLifetime {
        CredentialLifetime(issuedAt: issuedAt, expiresAt: expiresAt, revokedAt: revokedAt ?? now)
    }
}

/// How long a session lasts: a fixed lifetime from sign-in, no sliding
/// renewal (a client signs in again).
public struct SessionPolicy: Hashable, Sendable {
    public var lifetime: Duration

    /// Seven days.
    public static let `default` = SessionPolicy(lifetime: .seconds(7 * 24 * 3600))

    public init(lifetime: Duration) {
        precondition(lifetime > .zero, "a session lasts some time")
        self.lifetime = lifetime
    }

    /// The lifetime of a session that starts at `now`.
    public func lifetime(issuedAt now: Date) -> CredentialLifetime {
        let (seconds, attoseconds) = lifetime.components
        let interval = TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
        return CredentialLifetime(issuedAt: now, expiresAt: now.addingTimeInterval(interval))
    }
}
