import ContextKit
public import BizingAPI
public import BizingRPC
import BizingStore
import BizingWire
import Foundation
import GRDB

/// `bizing.identity.v1.Sessions`.
public struct SessionsServer: IdentityV1.SessionsService {
    let environment: IdentityEnvironment
    private var store: BizingStore { environment.store }

    public init(_ environment: IdentityEnvironment) {
        self.environment = environment
    }

    public func signIn(_ request: IdentityV1.SignInRequest, context: ServerCallContext) async throws -> IdentityV1.SignInResponse {
        try await environment.answering {
            var found: [InvalidField] = []
            var email: EmailAddress?
            do throws(ValidationFailure) { email = try EmailAddress(request.email) } catch { found += error.violations }
            if request.password.isEmpty {
                found.append(InvalidField(field: "password", rule: .required, description: "is required"))
            }
            try found.throwIfAny()
            guard let email else { throw IdentityStatus.signInFailed }
            let user = try await store.read { db in try IdentityTables.user(db, email: email) }
            let password = Password(request.password)
            // An unknown email costs one derivation too: the answer's timing
            // does not tell whether the account exists.
            let stored = user?.passwordHash
            let (matches, rehash) = try await environment.passwords.run { hasher in
                guard let stored else { return (hasher.verifyAgainstDummy(password), false) }
                let matches = hasher.verify(password, againstEncoded: stored)
                return (matches, matches && hasher.needsRehash(encoded: stored))
            }
            guard matches, let user else { throw IdentityStatus.signInFailed }
            let newHash = rehash ? try await environment.passwords.run { hasher in try hasher.hash(password) } : nil

            let token = SecretToken.generate(.session)
            let lifetime = environment.sessionPolicy.lifetime(issuedAt: store.clock.now)
            let id = store.ids.next(), now = store.clock.nowMicroseconds
            let signedIn = try await store.write { db in
                if let newHash {
                    _ = try IdentityTables.updateUser(db, id: user.id, IdentityTables.UserChanges(passwordHash: newHash), now: now)
                }
                try IdentityTables.insertSession(db, id: id, userID: user.id, tokenHash: token.hash, lifetime: lifetime)
                return try IdentityTables.user(db, id: user.id)
            }
            // Deleted between the read and the write: as if unknown.
            guard let signedIn else { throw IdentityStatus.signInFailed }
            return IdentityV1.SignInResponse(token: token.rendered, expiresAt: lifetime.expiresAt, user: signedIn.wire)
        }
    }

    public func signOut(_ request: IdentityV1.SignOutRequest, context: ServerCallContext) async throws -> IdentityV1.SignOutResponse {
        try await environment.answering {
            guard case .session(let id, _) = try context.caller.credential else {
                throw IdentityStatus.failedPrecondition("sign-out ends a session; revoke a service token with ServiceTokens/Revoke")
            }
            let now = store.clock.nowMicroseconds
            try await store.write { db in try IdentityTables.revokeSession(db, id: id, now: now) }
            environment.credentials.invalidateAll()
            return IdentityV1.SignOutResponse()
        }
    }

    public func whoAmI(_ request: IdentityV1.WhoAmIRequest, context: ServerCallContext) async throws -> IdentityV1.WhoAmIResponse {
        try await environment.answering {
            let caller = try context.caller
            let now = store.clock.now
            switch caller.credential {
            case .session(_, let userID):
                return try await store.read { db in
                    guard let user = try IdentityTables.user(db, id: userID) else { throw IdentityStatus.unauthenticated }
                    return IdentityV1.WhoAmIResponse(
                        kind: .user, user: user.wire, memberships: try IdentityTables.activeMemberships(db, userID: userID).map(\.wire),
                        expiresAt: caller.expiresAt)
                }
            case .service(let token):
                let organizationID = token.grant.organizationID
                guard let slug = try await store.lookup({ db in try IdentityTables.organizationSlug(db, id: organizationID) }) else {
                    throw IdentityStatus.unauthenticated
                }
                let membership = IdentityV1.Membership(
                    organizationId: organizationID.lowercasedString, organizationSlug: slug,
                    role: token.grant.role.wire, status: .active, createdAt: token.grant.lifetime.issuedAt)
                return IdentityV1.WhoAmIResponse(
                    kind: .service, serviceToken: token.wire(at: now), memberships: [membership], expiresAt: caller.expiresAt)
            }
        }
    }
}
