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

    /// A live user: their name and email, for a booking's participant.
    public static func user(_ db: Database, id: UUID) throws -> (name: String, email: String)? {
        try IdentityTables.user(db, id: id).map { ($0.name, $0.email ?? "") }
    }

    /// A live household as its rules judge it (joined members only); nil
    /// when there is none.
    public static func household(_ db: Database, id: UUID) throws -> Household? {
        guard let record = try IdentityTables.household(db, id: id) else { return nil }
        return try? record.domain()
    }

    /// The organization's live record and the caller's membership in it,
    /// when they have one in force (nil: a client). NOT_FOUND for an
    /// organization that is not live, or a service token of another.
    public static func organization(_ db: Database, _ principal: Principal, id: UUID) throws -> (OrganizationRecord, OrganizationAccess?) {
        guard let organization = try IdentityTables.organization(db, id: id) else {
            throw IdentityStatus.notFound("organization", id.lowercasedString)
        }
        if case .session(_, let userID) = principal.credential,
           try IdentityTables.membership(db, organizationID: id, userID: userID)?.isInForce != true {
            return (organization, nil)
        }
        return (organization, try OrganizationAccess.resolve(db, principal, organizationID: id))
    }

    /// The live households the user has joined, as their rules judge them.
    public static func households(_ db: Database, userID: UUID) throws -> [Household] {
        try IdentityTables.householdIDs(db, userID: userID).compactMap { try household(db, id: $0) }.filter { $0.member(userID) != nil }
    }
}
