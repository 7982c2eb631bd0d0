public import BizingStore
public import Foundation
import GRDB

/// The Identity context's tables for callers that want one operation per
/// transaction (bootstrap, seeding, tests). The RPC services compose
/// `IdentityTables` inside transactions of their own. Instants come from the
/// store's clock, ids from its generator.
public struct IdentityStore: Sendable {
    public let store: BizingStore

    public init(_ store: BizingStore) {
        self.store = store
    }

    /// Inserts a user; `IdentityStoreError.emailTaken` if a live user has the
    /// email (the unique index decides, so two concurrent registrations
    /// cannot both win).
    public func insertUser(_ new: NewUser) async throws -> UserRecord {
        let id = store.ids.next()
        let now = store.clock.nowMicroseconds
        return try await store.write { db in try IdentityTables.insertUser(db, id: id, new, now: now) }
    }

    /// The live user with this email (ignoring case), if any.
    public func user(withEmail email: EmailAddress) async throws -> UserRecord? {
        try await store.read { db in try IdentityTables.user(db, email: email) }
    }

    /// The live user with this id, if any.
    public func user(id: UUID) async throws -> UserRecord? {
        try await store.read { db in try IdentityTables.user(db, id: id) }
    }

    /// Records a session for a token (only its hash is stored).
    public func insertSession(userID: UUID, tokenHash: TokenHash, lifetime: CredentialLifetime) async throws -> SessionRecord {
        let id = store.ids.next()
        try await store.write { db in try IdentityTables.insertSession(db, id: id, userID: userID, tokenHash: tokenHash, lifetime: lifetime) }
        return SessionRecord(id: id, userID: userID, lifetime: lifetime)
    }

    /// The session a token's hash belongs to, whatever its state (the
    /// caller decides with `lifetime.state(at:)`).
    public func session(tokenHash: TokenHash) async throws -> SessionRecord? {
        try await store.read { db in try IdentityTables.session(db, tokenHash: tokenHash)?.session }
    }

    /// Revokes a session at the store's clock; the first revocation's time stays.
    /// Returns whether a session had that hash.
    @discardableResult
    public func revokeSession(tokenHash: TokenHash) async throws -> Bool {
        let now = store.clock.nowMicroseconds
        return try await store.write { db in
            guard let found = try IdentityTables.session(db, tokenHash: tokenHash) else { return false }
            try IdentityTables.revokeSession(db, id: found.session.id, now: now)
            return true
        }
    }

    static func user(_ row: Row) -> UserRecord {
        UserRecord(
            id: IdentityTables.uuid(row, "id"), email: row["email"], name: row["name"], phone: row["phone"],
            passwordHash: row["password_hash"], preferences: row["preferences"],
            createdAt: IdentityTables.date(row, "created_at"), updatedAt: IdentityTables.date(row, "updated_at"))
    }

    static func session(_ row: Row) -> SessionRecord {
        SessionRecord(
            id: IdentityTables.uuid(row, "id"), userID: IdentityTables.uuid(row, "user_id"),
            lifetime: CredentialLifetime(
                issuedAt: IdentityTables.date(row, "created_at"), expiresAt: IdentityTables.date(row, "expires_at"),
                revokedAt: IdentityTables.optionalDate(row, "revoked_at")))
    }
}
