public import BizingRPC
public import BizingStore
import BizingWire
import Foundation

/// Turns a call's bearer token into a `Principal`: an indexed read of the
/// token's SHA-256, or the `CredentialCache` for a token seen before (which
/// every sign-out and revocation clears, so they take effect on the next
/// call). Missing, malformed, unknown, expired and revoked tokens, and
/// tokens of a deleted user or organization, all get the same
/// UNAUTHENTICATED answer.
public struct TokenAuthenticator: Sendable {
    public let store: BizingStore
    let cache: CredentialCache

    init(store: BizingStore, cache: CredentialCache) {
        self.store = store
        self.cache = cache
    }

    /// The methods callable without a token: liveness, health, reflection, and sign-in.
    public static let openMethods: Set<String> = [
        "bizing.system.v1.System/Ping", "bizing.system.v1.System/Health",
        "bizing.system.v1.System/ListServices", "bizing.system.v1.System/Describe",
        "bizing.identity.v1.Sessions/SignIn",
    ]

    /// The interceptor that authenticates every other method.
    public var interceptor: Authentication<Principal> {
        Authentication(openMethods: Self.openMethods) { context in
            try await authenticate(bearer: context.bearerToken)
        }
    }

    public func authenticate(bearer: String?) async throws -> Principal {
        guard let bearer, let token = SecretToken(parsing: bearer) else { throw IdentityStatus.unauthenticated }
        let now = store.clock.now
        let hash = token.hash
        let (cached, generation) = cache.lookUp(hash)
        if let cached {
            guard cached.expiresAt.map({ now < $0 }) ?? true else { throw IdentityStatus.unauthenticated }
            return cached
        }
        // One statement either way: a look-up, without a transaction around it.
        let principal: Principal? = try await store.lookup { db in
            switch token.kind {
            case .session:
                guard let (session, userIsLive) = try IdentityTables.session(db, tokenHash: hash), userIsLive,
                      session.lifetime.state(at: now) == .active
                else { return nil }
                return Principal(credential: .session(id: session.id, userID: session.userID), expiresAt: session.lifetime.expiresAt)
            case .service:
                guard let record = try IdentityTables.serviceToken(db, tokenHash: hash), record.grant.lifetime.state(at: now) == .active
                else { return nil }
                return Principal(credential: .service(record), expiresAt: record.grant.lifetime.expiresAt)
            }
        }
        guard let principal else { throw IdentityStatus.unauthenticated }
        cache.store(principal, for: hash, readAt: generation)
        return principal
    }
}

extension ServerCallContext {
    /// The caller; every Identity method but SignIn runs behind the interceptor, so it is there.
    public var caller: Principal {
        get throws {
            guard let principal = principal(as: Principal.self) else { throw IdentityStatus.unauthenticated }
            return principal
        }
    }
}
