import BizingStore
import Foundation
import GRDB

extension IdentityTables {
    /// Inserts a user; `IdentityStoreError.emailTaken` if a live user has the email.
    static func insertUser(_ db: Database, id: UUID, _ new: NewUser, now: Int64) throws -> UserRecord {
        do {
            try db.cachedStatement(sql: """
                    INSERT INTO users (id, email, name, phone, password_hash, preferences, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [id.lowercasedString, new.email?.display, new.name, new.phone, new.passwordHash?.encoded, new.preferences, now, now])
        } catch where isUniqueViolation(error) {
            throw IdentityStoreError.emailTaken
        }
        return try user(db, id: id)!
    }

    static func user(_ db: Database, id: UUID) throws -> UserRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ? AND deleted_at IS NULL"), arguments: [id.lowercasedString])
            .map(IdentityStore.user)
    }

    static func user(_ db: Database, email: EmailAddress) throws -> UserRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE email = ? AND deleted_at IS NULL"), arguments: [email.display])
            .map(IdentityStore.user)
    }

    /// What an update changes; nil fields stay.
    struct UserChanges: Sendable {
        var name: String?
        var email: EmailAddress?
        /// .some(nil) clears the phone.
        var phone: String??
        var preferences: String?
        var passwordHash: PasswordHash?
    }

    static func updateUser(_ db: Database, id: UUID, _ changes: UserChanges, now: Int64) throws -> UserRecord {
        do {
            try db.cachedStatement(sql: """
                    UPDATE users SET
                        name = coalesce(?, name),
                        email = CASE WHEN ? THEN ? ELSE email END,
                        phone = CASE WHEN ? THEN ? ELSE phone END,
                        preferences = coalesce(?, preferences),
                        password_hash = coalesce(?, password_hash),
                        updated_at = ?
                    WHERE id = ? AND deleted_at IS NULL
                    """).execute(arguments: [
                    changes.name, changes.email != nil, changes.email?.display, changes.phone != nil, changes.phone ?? nil,
                    changes.preferences, changes.passwordHash?.encoded, now, id.lowercasedString,
                ])
        } catch where isUniqueViolation(error) {
            throw IdentityStoreError.emailTaken
        }
        return try user(db, id: id)!
    }

    static func insertSession(_ db: Database, id: UUID, userID: UUID, tokenHash: TokenHash, lifetime: CredentialLifetime) throws {
        try db.cachedStatement(sql: "INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)").execute(arguments: [
                id.lowercasedString, userID.lowercasedString, Data(tokenHash.bytes),
                lifetime.issuedAt.unixMicroseconds, (lifetime.expiresAt ?? .distantFuture).unixMicroseconds,
            ])
    }

    /// The session of a token hash and whether its user is still live.
    static func session(_ db: Database, tokenHash: TokenHash) throws -> (session: SessionRecord, userIsLive: Bool)? {
        try Row.fetchOne(db.cachedStatement(sql: """
                SELECT s.*, u.deleted_at IS NULL AS user_is_live
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = ?
                """),
            arguments: [Data(tokenHash.bytes)]
        ).map { (IdentityStore.session($0), $0["user_is_live"]) }
    }

    /// Revokes a session; the first revocation's time stays.
    static func revokeSession(_ db: Database, id: UUID, now: Int64) throws {
        try db.cachedStatement(sql: "UPDATE sessions SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?").execute(arguments: [now, id.lowercasedString])
    }
}
