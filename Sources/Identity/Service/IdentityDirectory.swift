public import BizingStore
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
    public static func organization(
        _ db: Database, _ principal: Principal, id: UUID, cache: ReferenceCache? = nil
    ) throws -> (OrganizationRecord, OrganizationAccess?) {
        // The record and the membership are reference rows (migration 0007):
        // with a cache they are decoded once per organization epoch.
        func read<Value: Sendable>(_ key: String, _ load: (Database) throws -> Value) throws -> Value {
            guard let cache else { return try load(db) }
            return try cache.value(db, organizationID: id.lowercasedString, key: key, load: load)
        }
        let notFound = IdentityStatus.notFound("organization", id.lowercasedString)
        guard let organization = try read("organization", { try IdentityTables.organization($0, id: id) }) else { throw notFound }
        switch principal.credential {
        case .service(let token):
            guard token.grant.organizationID == id else { throw notFound }
            return (organization, OrganizationAccess(organization: organization, membership: token.grant.membership, principal: principal))
        case .session(_, let userID):
            let record = try read("membership|\(userID.lowercasedString)") { try IdentityTables.membership($0, organizationID: id, userID: userID) }
            guard let record, record.isInForce else { return (organization, nil) }
            return (organization, OrganizationAccess(organization: organization, membership: record.membership, principal: principal))
        }
    }

    /// The live households the user has joined, as their rules judge them.
    public static func households(_ db: Database, userID: UUID) throws -> [Household] {
        try IdentityTables.householdIDs(db, userID: userID).compactMap { try household(db, id: $0) }.filter { $0.member(userID) != nil }
    }
}
