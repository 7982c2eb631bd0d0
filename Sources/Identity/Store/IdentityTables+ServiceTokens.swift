import BizingStore
import Foundation
import GRDB

extension IdentityTables {
    static func insertServiceToken(_ db: Database, id: UUID, grant: ServiceTokenGrant, tokenHash: TokenHash, createdBy: UUID?) throws -> ServiceTokenRecord {
        try db.cachedStatement(sql: """
                INSERT INTO service_tokens (id, organization_id, name, role, token_hash, created_by, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                id.lowercasedString, grant.organizationID.lowercasedString, grant.name, grant.role.rawValue, Data(tokenHash.bytes),
                createdBy?.lowercasedString, grant.lifetime.issuedAt.unixMicroseconds, grant.lifetime.expiresAt?.unixMicroseconds,
            ])
        return ServiceTokenRecord(id: id, grant: grant, createdBy: createdBy)
    }

    /// A token by id, if its organization is live.
    static func serviceToken(_ db: Database, id: UUID) throws -> ServiceTokenRecord? {
        try Row.fetchOne(db.cachedStatement(sql: """
                SELECT t.* FROM service_tokens t JOIN organizations o ON o.id = t.organization_id
                WHERE t.id = ? AND o.deleted_at IS NULL
                """),
            arguments: [id.lowercasedString]
        ).map(serviceToken)
    }

    /// The token of a hash, if its organization is live.
    static func serviceToken(_ db: Database, tokenHash: TokenHash) throws -> ServiceTokenRecord? {
        try Row.fetchOne(db.cachedStatement(sql: """
                SELECT t.* FROM service_tokens t JOIN organizations o ON o.id = t.organization_id
                WHERE t.token_hash = ? AND o.deleted_at IS NULL
                """),
            arguments: [Data(tokenHash.bytes)]
        ).map(serviceToken)
    }

    /// An organization's tokens, newest first.
    static func serviceTokens(_ db: Database, organizationID: UUID) throws -> [ServiceTokenRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM service_tokens WHERE organization_id = ? ORDER BY created_at DESC"),
            arguments: [organizationID.lowercasedString]
        ).map(serviceToken)
    }

    static func revokeServiceToken(_ db: Database, id: UUID, now: Int64) throws {
        try db.cachedStatement(sql: "UPDATE service_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?").execute(arguments: [now, id.lowercasedString])
    }

    static func serviceToken(_ row: Row) -> ServiceTokenRecord {
        ServiceTokenRecord(
            id: uuid(row, "id"),
            grant: ServiceTokenGrant(
                stored: row["name"], organizationID: uuid(row, "organization_id"), role: Role(rawValue: row["role"]) ?? .provider,
                lifetime: CredentialLifetime(
                    issuedAt: date(row, "created_at"), expiresAt: optionalDate(row, "expires_at"), revokedAt: optionalDate(row, "revoked_at"))),
            createdBy: optionalUUID(row, "created_by"))
    }
}
