import ContextKit
import BizingStore
import Foundation
import GRDB

extension IdentityTables {
    private static let membershipColumns = "m.*, o.slug AS organization_slug"

    /// A user's membership of a live organization, active or not.
    static func membership(_ db: Database, organizationID: UUID, userID: UUID) throws -> MembershipRecord? {
        try Row.fetchOne(db.cachedStatement(sql: """
                SELECT \(membershipColumns) FROM org_memberships m JOIN organizations o ON o.id = m.organization_id
                WHERE m.organization_id = ? AND m.user_id = ? AND o.deleted_at IS NULL
                """),
            arguments: [organizationID.lowercasedString, userID.lowercasedString]
        ).map(membership)
    }

    /// A user's active memberships of live organizations, accepted or still
    /// invitations, oldest first.
    static func activeMemberships(_ db: Database, userID: UUID) throws -> [MembershipRecord] {
        try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(membershipColumns) FROM org_memberships m JOIN organizations o ON o.id = m.organization_id
                WHERE m.user_id = ? AND m.status = 'active' AND o.deleted_at IS NULL
                ORDER BY m.id
                """),
            arguments: [userID.lowercasedString]
        ).map(membership)
    }

    /// Inserts an active membership: accepted now, or (`invitedBy` given or
    /// `accepted` false) an invitation the user accepts later.
    static func insertMembership(
        _ db: Database, id: UUID, organizationID: UUID, userID: UUID, role: Role, scope: MembershipScope, now: Int64,
        accepted: Bool = true, invitedBy: UUID? = nil
    ) throws -> MembershipRecord {
        try db.cachedStatement(sql: """
                INSERT INTO org_memberships
                    (id, organization_id, user_id, role, location_ids, status, created_at, updated_at, accepted_at, invited_by)
                VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)
                """).execute(arguments: [
                    id.lowercasedString, organizationID.lowercasedString, userID.lowercasedString, role.rawValue, locationIDs(scope), now, now,
                    accepted ? now : nil, invitedBy?.lowercasedString,
                ])
        return try membership(db, organizationID: organizationID, userID: userID)!
    }

    /// Writes role, scope, status and acceptance.
    static func updateMembership(_ db: Database, _ record: MembershipRecord, now: Int64) throws -> MembershipRecord {
        try db.cachedStatement(sql: "UPDATE org_memberships SET role = ?, location_ids = ?, status = ?, accepted_at = ?, updated_at = ? WHERE id = ?")
            .execute(arguments: [
                record.role.rawValue, locationIDs(record.scope), record.isActive ? "active" : "inactive",
                record.acceptedAt?.unixMicroseconds, now, record.id.lowercasedString,
            ])
        return try membership(db, organizationID: record.organizationID, userID: record.userID)!
    }

    static func activeOwnerCount(_ db: Database, organizationID: UUID) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM org_memberships WHERE organization_id = ? AND role = 'owner' AND status = 'active' AND accepted_at IS NOT NULL"),
            arguments: [organizationID.lowercasedString]) ?? 0
    }

    /// Up to `limit` members after the membership `after`, in membership order.
    static func members(
        _ db: Database, organizationID: UUID, after: UUID?, limit: Int, includeInactive: Bool
    ) throws -> [(user: UserRecord, membership: MembershipRecord)] {
        try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(membershipColumns), u.id AS u_id, u.email AS u_email, u.name AS u_name, u.phone AS u_phone,
                    u.password_hash AS u_password_hash, u.preferences AS u_preferences,
                    u.created_at AS u_created_at, u.updated_at AS u_updated_at
                FROM org_memberships m
                JOIN organizations o ON o.id = m.organization_id
                JOIN users u ON u.id = m.user_id AND u.deleted_at IS NULL
                WHERE m.organization_id = ? AND m.id > ? AND (? OR m.status = 'active')
                ORDER BY m.id
                LIMIT ?
                """),
            arguments: [organizationID.lowercasedString, after?.lowercasedString ?? "", includeInactive, limit]
        ).map { row in
            let user = UserRecord(
                id: uuid(row, "u_id"), email: row["u_email"], name: row["u_name"], phone: row["u_phone"],
                passwordHash: row["u_password_hash"], preferences: row["u_preferences"],
                createdAt: date(row, "u_created_at"), updatedAt: date(row, "u_updated_at"))
            return (user, membership(row))
        }
    }

    /// Whether two users are both active members of some live organization.
    static func shareAnOrganization(_ db: Database, _ a: UUID, _ b: UUID) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (
                    SELECT 1 FROM org_memberships x
                    JOIN org_memberships y ON y.organization_id = x.organization_id AND y.user_id = ? AND y.status = 'active'
                        AND y.accepted_at IS NOT NULL
                    JOIN organizations o ON o.id = x.organization_id AND o.deleted_at IS NULL
                    WHERE x.user_id = ? AND x.status = 'active' AND x.accepted_at IS NOT NULL)
                """),
            arguments: [b.lowercasedString, a.lowercasedString]) ?? false
    }

    /// The seed's stored form of a scope: NULL for every location, else a sorted JSON array.
    private static func locationIDs(_ scope: MembershipScope) -> String? {
        switch scope {
        case .allLocations: nil
        case .locations(let ids): json(ids.map(\.lowercasedString).sorted())
        }
    }

    static func membership(_ row: Row) -> MembershipRecord {
        let ids: [String]? = (row["location_ids"] as String?).map { decode([String].self, $0, fallback: []) }
        return MembershipRecord(
            id: uuid(row, "id"), organizationID: uuid(row, "organization_id"), organizationSlug: row["organization_slug"],
            userID: uuid(row, "user_id"), role: Role(rawValue: row["role"]) ?? .provider,
            scope: MembershipScope(locationIDs: ids.map { $0.compactMap(UUID.init(uuidString:)) }),
            isActive: (row["status"] as String) == "active", acceptedAt: optionalDate(row, "accepted_at"),
            createdAt: date(row, "created_at"), updatedAt: date(row, "updated_at"))
    }
}
