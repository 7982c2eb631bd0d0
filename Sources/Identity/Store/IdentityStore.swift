public import BizingStore
public import Foundation
import GRDB

/// The Identity context's tables: users and sessions so far. Each method is
/// one transaction; instants come from the store's clock, ids from its
/// generator.
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
        do {
            try await store.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO users (id, email, name, phone, password_hash, preferences, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [id.lowercasedString, new.email.display, new.name, new.phone, new.passwordHash.encoded, new.preferences, now, now])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw IdentityStoreError.emailTaken
        }
        return UserRecord(
            id: id, email: new.email.display, name: new.name, phone: new.phone, passwordHash: new.passwordHash.encoded,
            preferences: new.preferences, createdAt: Date(unixMicroseconds: now), updatedAt: Date(unixMicroseconds: now))
    }

    /// The live user with this email (ignoring case), if any.
    public func user(withEmail email: EmailAddress) async throws -> UserRecord? {
        try await store.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM users WHERE email = ? AND deleted_at IS NULL", arguments: [email.display]
            ).map(Self.user)
        }
    }

    /// The live user with this id, if any.
    public func user(id: UUID) async throws -> UserRecord? {
        try await store.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM users WHERE id = ? AND deleted_at IS NULL", arguments: [id.lowercasedString]
            ).map(Self.user)
        }
    }

    /// Records a session for a token (only its hash is stored).
    public func insertSession(userID: UUID, tokenHash: TokenHash, lifetime: CredentialLifetime) async throws -> SessionRecord {
        let id = store.ids.next()
        try await store.write { db in
            try db.execute(
                sql: "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    id.lowercasedString, userID.lowercasedString, Data(tokenHash.bytes),
                    lifetime.issuedAt.unixMicroseconds, (lifetime.expiresAt ?? .distantFuture).unixMicroseconds,
                ])
        }
        return SessionRecord(id: id, userID: userID, lifetime: lifetime)
    }

    /// The session a token's hash belongs to, whatever its state (the
    /// caller decides with `lifetime.state(at:)`).
    public func session(tokenHash: TokenHash) async throws -> SessionRecord? {
        try await store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE token_hash = ?", arguments: [Data(tokenHash.bytes)]).map(Self.session)
        }
    }

    /// Revokes a session at the store's clock; the first revocation's time stays.
    /// Returns whether a session had that hash.
    @discardableResult
    public func revokeSession(tokenHash: TokenHash) async throws -> Bool {
        let now = store.clock.nowMicroseconds
        return try await store.write { db in
            try db.execute(
                sql: "UPDATE sessions SET revoked_at = coalesce(revoked_at, ?) WHERE token_hash = ?",
                arguments: [now, Data(tokenHash.bytes)])
            return db.changesCount > 0
        }
    }

    private static func user(_ row: Row) -> UserRecord {
        UserRecord(
            id: UUID(uuidString: row["id"])!, email: row["email"], name: row["name"], phone: row["phone"],
            passwordHash: row["password_hash"], preferences: row["preferences"],
            createdAt: Date(unixMicroseconds: row["created_at"]), updatedAt: Date(unixMicroseconds: row["updated_at"]))
    }

    private static func session(_ row: Row) -> SessionRecord {
        let revoked: Int64? = row["revoked_at"]
        return SessionRecord(
            id: UUID(uuidString: row["id"])!, userID: UUID(uuidString: row["user_id"])!,
            lifetime: CredentialLifetime(
                issuedAt: Date(unixMicroseconds: row["created_at"]), expiresAt: Date(unixMicroseconds: row["expires_at"]),
                revokedAt: revoked.map(Date.init(unixMicroseconds:))))
    }
}
