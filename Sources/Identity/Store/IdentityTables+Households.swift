import BizingStore
import Foundation
import GRDB

extension IdentityTables {
    static func insertHousehold(
        _ db: Database, id: UUID, memberRowID: UUID, name: String, kind: HouseholdKind, companyInfo: CompanyInfo?, primary: UUID, now: Int64
    ) throws {
        try db.cachedStatement(sql: """
                INSERT INTO households (id, name, type, primary_contact_id, company_info, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [id.lowercasedString, name, kind.rawValue, primary.lowercasedString, companyInfo.map(json), now, now])
        try upsertHouseholdMember(
            db, householdID: id, rowID: memberRowID,
            HouseholdMemberRecord(
                userID: primary, name: "", role: .primary, permissions: .defaults(for: .primary), managedBy: [],
                relationship: nil, dateOfBirth: nil, joinedAt: Date(unixMicroseconds: now), invitedBy: nil),
            now: now)
    }

    /// A live household with its members and invitations (removed members left out).
    static func household(_ db: Database, id: UUID) throws -> HouseholdRecord? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM households WHERE id = ? AND deleted_at IS NULL"), arguments: [id.lowercasedString])
        else { return nil }
        var managers: [UUID: Set<UUID>] = [:]
        for manager in try Row.fetchAll(db.cachedStatement(sql: "SELECT member_user_id, manager_user_id FROM household_member_managers WHERE household_id = ?"),
            arguments: [id.lowercasedString])
        {
            managers[uuid(manager, "member_user_id"), default: []].insert(uuid(manager, "manager_user_id"))
        }
        let members = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT hm.*, u.name AS user_name FROM household_members hm JOIN users u ON u.id = hm.user_id
                WHERE hm.household_id = ? AND hm.removed_at IS NULL
                ORDER BY hm.joined_at IS NULL, hm.created_at, hm.id
                """),
            arguments: [id.lowercasedString]
        ).map { member in
            let userID = uuid(member, "user_id")
            return HouseholdMemberRecord(
                userID: userID, name: member["user_name"], role: HouseholdRole(rawValue: member["role"]) ?? .adult,
                permissions: HouseholdPermissions(
                    canBookForOthers: member["can_book_for_others"], canViewOthersBookings: member["can_view_others_bookings"],
                    canModifyOthersBookings: member["can_modify_others_bookings"],
                    approvalRequiredFor: HouseholdPermissions.Approval(rawValue: member["approval_required_for"]) ?? .all),
                managedBy: managers[userID] ?? [],
                relationship: (member["relationship"] as String?).flatMap(HouseholdRelationship.init(rawValue:)),
                dateOfBirth: member["date_of_birth"], joinedAt: optionalDate(member, "joined_at"),
                invitedBy: optionalUUID(member, "invited_by"))
        }
        return HouseholdRecord(
            id: id, name: row["name"], kind: HouseholdKind(rawValue: row["type"]) ?? .family,
            primaryContactID: uuid(row, "primary_contact_id"),
            companyInfo: (row["company_info"] as String?).map { decode(CompanyInfo.self, $0, fallback: CompanyInfo(taxID: "", industry: "", website: "")) },
            createdAt: date(row, "created_at"), updatedAt: date(row, "updated_at"), members: members)
    }

    /// The live households where the user is a member or invited, oldest first.
    static func householdIDs(_ db: Database, userID: UUID) throws -> [UUID] {
        try String.fetchAll(db.cachedStatement(sql: """
                SELECT h.id FROM household_members hm JOIN households h ON h.id = hm.household_id
                WHERE hm.user_id = ? AND hm.removed_at IS NULL AND h.deleted_at IS NULL
                ORDER BY h.id
                """),
            arguments: [userID.lowercasedString]
        ).compactMap(UUID.init(uuidString:))
    }

    /// Whether two users are both joined members of one live household.
    static func shareAHousehold(_ db: Database, _ a: UUID, _ b: UUID) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (
                    SELECT 1 FROM household_members x
                    JOIN household_members y ON y.household_id = x.household_id AND y.user_id = ?
                        AND y.removed_at IS NULL AND y.joined_at IS NOT NULL
                    JOIN households h ON h.id = x.household_id AND h.deleted_at IS NULL
                    WHERE x.user_id = ? AND x.removed_at IS NULL AND x.joined_at IS NOT NULL)
                """),
            arguments: [b.lowercasedString, a.lowercasedString]) ?? false
    }

    /// Writes a member row (a removed member's row comes back, keeping its
    /// id; `rowID` names a new one) and replaces their managers.
    static func upsertHouseholdMember(_ db: Database, householdID: UUID, rowID: UUID, _ member: HouseholdMemberRecord, now: Int64) throws {
        let household = householdID.lowercasedString, user = member.userID.lowercasedString
        try db.cachedStatement(sql: """
                INSERT INTO household_members
                    (id, household_id, user_id, role, can_book_for_others, can_view_others_bookings, can_modify_others_bookings,
                     approval_required_for, relationship, date_of_birth, created_at, updated_at, joined_at, invited_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (household_id, user_id) DO UPDATE SET
                    role = excluded.role, can_book_for_others = excluded.can_book_for_others,
                    can_view_others_bookings = excluded.can_view_others_bookings,
                    can_modify_others_bookings = excluded.can_modify_others_bookings,
                    approval_required_for = excluded.approval_required_for, relationship = excluded.relationship,
                    date_of_birth = excluded.date_of_birth, updated_at = excluded.updated_at,
                    joined_at = excluded.joined_at, invited_by = excluded.invited_by, removed_at = NULL
                """).execute(arguments: [
                rowID.lowercasedString, household, user, member.role.rawValue, member.permissions.canBookForOthers, member.permissions.canViewOthersBookings,
                member.permissions.canModifyOthersBookings, member.permissions.approvalRequiredFor.rawValue,
                member.relationship?.rawValue, member.dateOfBirth, now, now, member.joinedAt?.unixMicroseconds,
                member.invitedBy?.lowercasedString,
            ])
        try db.cachedStatement(sql: "DELETE FROM household_member_managers WHERE household_id = ? AND member_user_id = ?").execute(arguments: [household, user])
        for manager in member.managedBy.map(\.lowercasedString).sorted() {
            try db.cachedStatement(sql: "INSERT INTO household_member_managers (household_id, member_user_id, manager_user_id, created_at) VALUES (?, ?, ?, ?)").execute(arguments: [household, user, manager, now])
        }
    }

    /// Marks a member removed and drops every manager link to or from them.
    static func removeHouseholdMember(_ db: Database, householdID: UUID, userID: UUID, now: Int64) throws {
        let household = householdID.lowercasedString, user = userID.lowercasedString
        try db.cachedStatement(sql: "DELETE FROM household_member_managers WHERE household_id = ? AND (member_user_id = ? OR manager_user_id = ?)").execute(arguments: [household, user, user])
        try db.cachedStatement(sql: "UPDATE household_members SET removed_at = ?, updated_at = ? WHERE household_id = ? AND user_id = ?").execute(arguments: [now, now, household, user])
    }

    static func touchHousehold(_ db: Database, id: UUID, now: Int64) throws {
        try db.cachedStatement(sql: "UPDATE households SET updated_at = ? WHERE id = ?").execute(arguments: [now, id.lowercasedString])
    }
}
