import BizingStore
import BizingWire
public import Foundation
public import GRDB

/// What the caller may do in one organization, decided inside the call's
/// transaction (so a role changed concurrently cannot be used after the
/// change commits).
public struct OrganizationAccess: Sendable {
    public let organization: OrganizationRecord
    public let membership: Membership
    public let principal: Principal

    /// NOT_FOUND unless the organization is live and the caller belongs to
    /// it: an active, accepted membership, or a service token issued by it. An
    /// organization the caller is not in answers exactly as a missing one.
    public static func resolve(_ db: Database, _ principal: Principal, organizationID: UUID) throws -> OrganizationAccess {
        let notFound = IdentityStatus.notFound("organization", organizationID.lowercasedString)
        guard let organization = try IdentityTables.organization(db, id: organizationID) else { throw notFound }
        switch principal.credential {
        case .service(let token):
            guard token.grant.organizationID == organizationID else { throw notFound }
            return OrganizationAccess(organization: organization, membership: token.grant.membership, principal: principal)
        case .session(_, let userID):
            guard let record = try IdentityTables.membership(db, organizationID: organizationID, userID: userID), record.isInForce else {
                throw notFound
            }
            return OrganizationAccess(organization: organization, membership: record.membership, principal: principal)
        }
    }

    public var role: Role { membership.role }

    /// PERMISSION_DENIED unless the caller's role and scope allow `permission`.
    func require(_ permission: Permission, atLocation location: UUID? = nil, toDo action: String) throws {
        guard membership.allows(permission, atLocation: location) else {
            throw IdentityStatus.permissionDenied("\(role.withArticle) in this organization may not \(action) (needs \(permission.rawValue))")
        }
    }
}
