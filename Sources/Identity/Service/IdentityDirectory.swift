import BizingStore
public import Foundation
public import GRDB

/// What other contexts may ask Identity, inside their own transactions (one
/// database, so a check and the write it guards commit together). The one
/// way in: other contexts never read Identity's tables.
public enum IdentityDirectory {
    /// A live organization, for work done without a caller (provisioning).
    public static func organization(_ db: Database, id: UUID) throws -> OrganizationRecord? {
        try IdentityTables.organization(db, id: id)
    }

    /// Whether `userID` has an active membership in the organization, accepted
    /// or still an invitation.
    public static func isMemberOrInvitee(_ db: Database, organizationID: UUID, userID: UUID) throws -> Bool {
        guard let record = try IdentityTables.membership(db, organizationID: organizationID, userID: userID) else { return false }
        return record.isActive
    }

    /// A live company household: its primary contact and the users who have
    /// joined it; nil when there is no such household or it is a family.
    public static func company(_ db: Database, householdID: UUID) throws -> (primaryContactID: UUID, members: Set<UUID>)? {
        guard let household = try IdentityTables.household(db, id: householdID), household.kind == .company else { return nil }
        return (household.primaryContactID, Set(household.members.filter(\.hasJoined).map(\.userID)))
    }
}
